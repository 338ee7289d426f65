#pragma once
// `memvirt sim`: one workload simulated under each requested paging mode, side by side.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/sim_options.hpp"
#include "sim/result.hpp"
#include "sim/sim_config.hpp"
#include "workload/spec.hpp"

namespace memvirt {

class SimCommand {
 public:
  // Registers the subcommand and its flags on `parent`; values are checked while parsing.
  explicit SimCommand(CLI::App& parent);

  bool selected() const { return app_->parsed(); }
  // Runs the simulations and prints the results; throws on runtime errors.
  void run() const;

 private:
  void check_runs(const WorkloadSpec& spec) const;  // throws UsageError
  std::vector<RunResult> simulate_all(const WorkloadSpec& spec) const;

  CLI::App* app_ = nullptr;
  SimOptions options_;
  std::string workload_;
  std::string modes_ = "native,shadow,nested";
  std::string json_path_;
  bool counters_ = false;
};

}  // namespace memvirt
