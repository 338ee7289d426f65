#pragma once
// `memvirt merge -o results.json DIR/result-*.json`: the results of a sweep's jobs (or of any
// partial sweeps with the same lists) joined into one results file, in configuration order,
// byte for byte what one local sweep of the same lists writes.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace memvirt {

class MergeCommand {
 public:
  explicit MergeCommand(CLI::App& parent);

  bool selected() const { return app_->parsed(); }
  // Reads, checks and joins the files; throws on runtime errors (a missing configuration too,
  // unless --partial).
  void run() const;

 private:
  CLI::App* app_ = nullptr;
  std::vector<std::string> inputs_;
  std::string output_;
  bool partial_ = false;
};

}  // namespace memvirt
