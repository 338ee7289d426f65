#pragma once
// `memvirt compare`: one workload measured natively and in a KVM guest, each beside its
// steady-state prediction of this machine as it is, then bare-metal what-ifs under native,
// shadow and nested paging; every row in TSC ticks per step.
#include <CLI/CLI.hpp>
#include <string>

#include "cli/compare_report.hpp"
#include "cli/sim_options.hpp"
#include "workload/spec.hpp"

namespace memvirt {

class CompareCommand {
 public:
  explicit CompareCommand(CLI::App& parent);

  bool selected() const { return app_->parsed(); }
  // Measures and simulates, then prints the table; a missing /dev/kvm only blanks the kvm row.
  void run() const;

 private:
  // Usage checks that need the parsed values (workload kind, a CPU model); throws
  // CLI::ValidationError so that they exit like every other usage error.
  void validate() const;
  // The CPU model (warning on stderr when the machine is not calibrated), the TSC rate and what
  // is known of the machine.
  CompareSetting setting(const WorkloadSpec& spec) const;

  CLI::App* app_ = nullptr;
  std::string workload_;
  std::string guest_page_ = "4k";
  unsigned repeats_ = 5;
  std::string json_path_;
  SimOptions options_;
};

}  // namespace memvirt
