#pragma once
// `memvirt compare`: one workload measured natively and in a KVM guest, and simulated under
// native, shadow and nested paging, side by side with each kind's ratio to its native row.
#include <CLI/CLI.hpp>
#include <string>

#include "cli/sim_options.hpp"

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

  CLI::App* app_ = nullptr;
  std::string workload_;
  std::string guest_page_ = "4k";
  unsigned repeats_ = 5;
  std::string json_path_;
  SimOptions options_;
};

}  // namespace memvirt
