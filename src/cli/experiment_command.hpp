#pragma once
// `memvirt experiment NAME`: one of the seed chapter's claims as a table (and as JSON).
#include <CLI/CLI.hpp>
#include <string>

#include "sim/experiments/experiment.hpp"

namespace memvirt {

class ExperimentCommand {
 public:
  // Registers the subcommand and its flags on `parent`; an unknown NAME is a usage error.
  explicit ExperimentCommand(CLI::App& parent);

  bool selected() const { return app_->parsed(); }
  // Lists the experiments, or runs one and prints its table; throws on runtime errors.
  void run() const;

 private:
  ExperimentOptions options() const;

  CLI::App* app_ = nullptr;
  std::string name_;
  std::string json_path_;
  bool list_ = false;
  bool quick_ = false;
  std::string warmup_ = "auto";
  uint64_t seed_ = 1;
  std::string model_ = "kvm";
  int levels_ = 4;
  uint32_t max_procs_ = 256;
};

}  // namespace memvirt
