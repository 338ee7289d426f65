#pragma once
// The machine flags of a sweep. SimOptions alone turns flags into a SimConfig, for `sim` and for
// every sweep configuration alike: a sweep keeps the shared flags as text ("--levels=5") and
// parses them, with the configuration's own --page, --tlb-tag and --cpu, through SimOptions
// again. A job file carries that text, so it runs the same machine anywhere, and a flag that
// SimOptions gains later (the timing model's --cpu) needs no change here.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/sim_options.hpp"
#include "sim/sim_config.hpp"
#include "sim/sweep_plan.hpp"

namespace memvirt {

class SweepFlags {
 public:
  // Registers SimOptions' flags on `app`, the per-configuration ones (--page, --tlb-tag, --cpu)
  // as comma-separated lists into the given strings.
  void add_to(CLI::App& app, std::string& pages, std::string& tlb_tags, std::string& cpus);
  // The shared flags the user gave, canonically: "--name=value", in SimOptions' order.
  std::vector<std::string> shared_flags() const;

 private:
  SimOptions options_;  // receives the parsed values; only its flags' checks and defaults matter
  std::vector<CLI::Option*> shared_;
};

// Does SimOptions know --cpu yet (the timing model)?
bool cpu_flag_available();

// The SimConfig `memvirt sim` would build for the point's mode from these flags. Throws
// std::invalid_argument with CLI11's complaint if a flag is refused.
SimConfig point_config(const std::vector<std::string>& shared_flags, const SweepPoint& point);
// Every point's machine, and its workload in it, checked before the first runs: throws
// UsageError naming the first configuration that cannot run.
void check_sweep_points(const SweepLists& lists);

// Splits the lists and puts each item in canonical form; the validators have checked them.
std::vector<std::string> canonical_pages(const std::string& list);
std::vector<std::string> canonical_tlb_tags(const std::string& list);
std::vector<std::string> canonical_modes(const std::string& list);
std::vector<std::string> split_list(const std::string& list);

}  // namespace memvirt
