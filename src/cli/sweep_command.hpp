#pragma once
// `memvirt sweep`: the cross product of lists of workloads, modes, page sizes, TLB taggings and
// CPUs, run on several threads into one results file that a killed sweep resumes; or cut into
// one job per configuration for a batch system (--emit-jobs, --job, then `memvirt merge`).
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/sweep_flags.hpp"
#include "sim/sweep_plan.hpp"
#include "sim/sweep_results.hpp"

namespace memvirt {

class SweepCommand {
 public:
  // Registers the subcommand and its flags on `parent`; values are checked while parsing.
  explicit SweepCommand(CLI::App& parent);

  bool selected() const { return app_->parsed(); }
  // Runs the sweep (or writes its jobs, or runs one job); throws on runtime errors.
  void run() const;

 private:
  void check_combination() const;
  SweepLists lists() const;
  void run_job() const;
  void emit_jobs(const SweepLists& lists) const;
  // Runs what `results` lacks of `todo` and writes the file, resuming from it first.
  void run_into_file(SweepResults& results, const std::vector<size_t>& todo) const;
  // Takes the rows of the -o file unless --no-resume; returns how many.
  size_t resume_from_file(SweepResults& results) const;

  CLI::App* app_ = nullptr;
  SweepFlags flags_;
  std::string workloads_;
  std::string modes_ = "native,shadow,nested";
  std::string pages_;
  std::string tlb_tags_;
  std::string cpus_;
  int threads_ = 1;
  std::string output_;
  bool no_resume_ = false;
  std::string emit_dir_;
  std::string job_file_;
};

}  // namespace memvirt
