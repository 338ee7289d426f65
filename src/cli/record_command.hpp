#pragma once
// `memvirt record -o prog.mvt -- PROGRAM ARGS...`: a real program's memory references, traced
// under qemu-x86_64 with memvirt's plugin (or Valgrind's lackey tool), written in memvirt's
// trace format for `--workload trace:prog.mvt`.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace memvirt {

class RecordCommand {
 public:
  explicit RecordCommand(CLI::App& parent);

  bool selected() const { return app_->parsed(); }
  // Records the program; throws std::runtime_error if the tracer is missing or the program
  // fails.
  void run() const;

 private:
  void run_lackey(const std::string& why) const;
  void run_qemu(const std::string& plugin) const;

  CLI::App* app_ = nullptr;
  std::string output_;
  std::string tracer_ = "auto";
  bool per_block_ = false;
  std::string lackey_copy_;
  std::vector<std::string> command_;
};

}  // namespace memvirt
