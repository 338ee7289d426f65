#pragma once
// `memvirt convert IN OUT.mvt [--format F]`: a lackey or ChampSim trace (plain or xz), or an
// .mvt file, rewritten as .mvt for `--workload trace:OUT.mvt`, streaming.
#include <CLI/CLI.hpp>
#include <string>

namespace memvirt {

class ConvertCommand {
 public:
  explicit ConvertCommand(CLI::App& parent);

  bool selected() const { return app_->parsed(); }
  // Converts; throws UsageError for a bad --format, OutputRefused for an output that is the
  // input or a directory, TraceError for a damaged input (the old output is then untouched).
  void run() const;

 private:
  CLI::App* app_ = nullptr;
  std::string input_;
  std::string output_;
  std::string format_ = "auto";
};

}  // namespace memvirt
