#pragma once
// The flags that shape a simulated machine, shared by every command that simulates.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/sim_config.hpp"
#include "workload/spec.hpp"

namespace memvirt {

class SimOptions {
 public:
  // Registers the flags on `app`; values are checked while parsing.
  void add_to(CLI::App& app);
  // The machine for `mode` as the flags describe it.
  SimConfig config_for(PagingMode mode) const;
  // Whether the user gave --cpu / --frames, for commands that choose their own otherwise.
  bool cpu_given() const { return cpu_option_->count() > 0; }
  bool frames_given() const { return frames_option_->count() > 0; }
  // --cpu as given (a preset name, "host", a file or "none"): what the run reads.
  const std::string& cpu() const { return cpu_; }

 private:
  CLI::Option* nested_levels_option_ = nullptr;
  std::string page_ = "4k";
  std::string nested_page_ = "4k";
  int levels_ = 4;
  int nested_levels_ = 4;
  uint64_t seed_ = 1;
  std::string frames_ = "in-order";
  CLI::Option* frames_option_ = nullptr;
  std::string model_ = "kvm";
  CLI::Option* model_option_ = nullptr;
  std::string tlb_tag_ = "vpid";
  uint32_t pv_batch_ = 1;
  bool shadow_unsync_ = false;
  uint32_t agile_writes_ = 2;
  uint64_t agile_interval_ = 100'000;
  int vms_ = 1;
  int vcpus_ = 1;
  std::string cpu_ = "zen3";
  std::string warmup_ = "auto";
  CLI::Option* cpu_option_ = nullptr;
  mutable std::shared_ptr<const CpuModel> cpu_model_;  // loaded once, shared by every mode
};

// The machine of each mode in `modes` (a --mode list), each checked, with the workload's
// footprint, before anything runs; throws UsageError naming the mode.
std::vector<SimConfig> checked_mode_configs(const SimOptions& options, const std::string& modes,
                                            const WorkloadSpec& spec);

}  // namespace memvirt
