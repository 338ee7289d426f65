#pragma once
// `memvirt run [sim flags] -- PROGRAM ARGS...`: the program traced under qemu-x86_64 and
// simulated while it runs, under every requested mode at once, with no trace file in between
// (what cachegrind is to a cache simulator, for virtual memory). Prints the tables `sim` prints.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/sim_options.hpp"

namespace memvirt {

class RunCommand {
 public:
  explicit RunCommand(CLI::App& parent);

  bool selected() const { return app_->parsed(); }
  // Runs and simulates the program; throws std::runtime_error if qemu or the plugin is missing,
  // the program fails, or a simulation does.
  void run() const;

 private:
  CLI::App* app_ = nullptr;
  SimOptions options_;
  std::string modes_ = "native,shadow,nested";
  std::string json_path_;
  bool counters_ = false;
  std::string save_trace_;
  bool per_block_ = false;
  std::vector<std::string> command_;
};

}  // namespace memvirt
