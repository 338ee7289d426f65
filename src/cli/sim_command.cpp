#include "cli/sim_command.hpp"

#include <fmt/format.h>

#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "cli/json_output.hpp"
#include "cli/run_inputs.hpp"
#include "cli/sim_printing.hpp"
#include "cli/validators.hpp"
#include "report/json_report.hpp"
#include "report/text_table.hpp"
#include "sim/counted_part.hpp"
#include "sim/engine.hpp"
#include "workload/spec.hpp"
#include "sim/error_text.hpp"
#include "sim/footprint.hpp"
#include "cli/usage_error.hpp"

namespace memvirt {
namespace {

constexpr const char* kSimFooter = R"(Examples:
  memvirt sim --workload listwalk:ws=64MiB,npad=7,order=random
  memvirt sim --workload random:ws=1GiB,steps=1000000,write=0.3 --mode shadow,nested --page 2m
  memvirt sim --workload listwalk:ws=256MiB --levels 5 --nested-page 2m --json results.json
  memvirt sim --workload random:ws=256MiB,write=0.5 --mode shadow,pv --model xen --pv-batch 32
  memvirt sim --workload random:ws=64MiB --mode shadow,nested --vms 2 --vcpus 2 --tlb-tag asid1

Workload specs (NAME alone means all defaults; sizes take B, KiB, MiB, GiB, TiB):
  listwalk:ws=SIZE,npad=N,order=seq|random,steps=N   Drepper's linked-list walk
  random:ws=SIZE,steps=N,write=FRACTION              uniformly random 8-byte accesses)";

}  // namespace

SimCommand::SimCommand(CLI::App& parent) {
  app_ = parent.add_subcommand("sim", "Simulate a workload under each paging mode, side by side");
  app_->footer(kSimFooter);
  app_->add_option("--workload", workload_,
                   "Workload spec, e.g. listwalk:ws=64MiB,npad=7,order=random")
      ->type_name("SPEC")
      ->required()
      ->check(workload_spec_validator());
  add_mode_option(*app_, modes_, "to run, in this order, e.g. native,nested");
  options_.add_to(*app_);
  app_->add_option("--json", json_path_,
                   "Also write the JSON report to FILE, e.g. out.json ('-': on stdout, no table)")
      ->type_name("FILE");
  app_->add_flag("--counters", counters_,
                 "Also print every component's counters, with unit and meaning (the JSON always "
                 "has them, under \"counters\")");
}

// Every mode's machine, and the workload in it, checked before the first runs.
void SimCommand::check_runs(const WorkloadSpec& spec) const {
  uint64_t opens = 0;
  for (const SimConfig& config : checked_mode_configs(options_, modes_, spec))
    opens += workload_opens(config);
  try {
    check_trace_reads(spec, opens);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

std::vector<RunResult> SimCommand::simulate_all(const WorkloadSpec& spec) const {
  check_runs(spec);
  std::vector<RunResult> runs;
  for (PagingMode mode : parse_mode_list(modes_)) {
    try {
      runs.push_back(simulate(options_.config_for(mode), spec));
    } catch (const std::exception& e) {
      // Which of the runs failed matters: memory runs out under one mode and not another.
      throw std::runtime_error(fmt::format("{} mode: {}", paging_mode_name(mode), error_text(e)));
    }
  }
  return runs;
}

void SimCommand::run() const {
  const WorkloadSpec spec = parse_workload_spec(workload_);
  JsonOutput json(json_path_, simulation_inputs(spec, options_.cpu()));
  // The canonical spec names every key, defaults included, so the output says exactly what ran.
  const std::string workload = format_workload_spec(spec);
  const std::vector<RunResult> runs = simulate_all(spec);
  report_skipped_records(runs.front());
  const nlohmann::json report = sim_report_json(workload, runs);
  if (json.to_stdout()) return json.write(report);
  print_sim_table(workload, runs, counters_);
  json.write(report);
}

}  // namespace memvirt
