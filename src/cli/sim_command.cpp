#include "cli/sim_command.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/validators.hpp"
#include "report/json_report.hpp"
#include "report/text_table.hpp"
#include "sim/engine.hpp"
#include "workload/spec.hpp"

namespace memvirt {
namespace {

constexpr const char* kSimFooter = R"(Examples:
  memvirt sim --workload listwalk:ws=64MiB,npad=7,order=random
  memvirt sim --workload random:ws=1GiB,steps=1000000,write=0.3 --mode shadow,nested --page 2m
  memvirt sim --workload listwalk:ws=256MiB --levels 5 --nested-page 2m --json results.json

Workload specs (NAME alone means all defaults; sizes take B, KiB, MiB, GiB, TiB):
  listwalk:ws=SIZE,npad=N,order=seq|random,steps=N   Drepper's linked-list walk
  random:ws=SIZE,steps=N,write=FRACTION              uniformly random 8-byte accesses)";

// Opened before the simulations run, so that a bad path fails at once, not after the work.
std::ofstream open_json_file(const std::string& path) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error(fmt::format("cannot write '{}': {}", path, strerror(errno)));
  return out;
}

void print_table(const std::string& workload, const std::vector<RunResult>& runs) {
  const SimConfig& c = runs.front().config;
  std::cout << fmt::format("workload {}  seed {}  levels {}  nested levels {}\n\n", workload,
                           c.seed, c.levels, c.nested_levels)
            << sim_table(runs);
}

void write_json(std::ostream& out, const nlohmann::json& report, const std::string& path) {
  out << report.dump(2) << '\n';
  out.flush();
  if (!out) throw std::runtime_error(fmt::format("writing '{}' failed", path));
}

}  // namespace

SimCommand::SimCommand(CLI::App& parent) {
  app_ = parent.add_subcommand("sim", "Simulate a workload under each paging mode, side by side");
  app_->footer(kSimFooter);
  app_->add_option("--workload", workload_,
                   "Workload spec, e.g. listwalk:ws=64MiB,npad=7,order=random")
      ->type_name("SPEC")
      ->required()
      ->check(workload_spec_validator());
  app_->add_option("--mode", modes_,
                   "Comma-separated paging modes to run, in this order, e.g. native,nested")
      ->type_name("MODES")
      ->check(mode_list_validator())
      ->capture_default_str();
  app_->add_option("--page", page_, "Guest page size of the workload's mappings, e.g. 2m")
      ->type_name("4k|2m|1g")
      ->check(page_size_validator())
      ->capture_default_str();
  app_->add_option("--nested-page", nested_page_,
                   "Host page size behind guest memory (EPT leaves, shadow), e.g. 1g")
      ->type_name("4k|2m|1g")
      ->check(page_size_validator())
      ->capture_default_str();
  app_->add_option("--levels", levels_, "Guest paging levels (5 = LA57), e.g. 5")
      ->type_name("4|5")
      ->check(paging_levels_validator())
      ->capture_default_str();
  nested_levels_option_ = app_->add_option("--nested-levels", nested_levels_,
                                           "EPT/NPT levels, e.g. 5 (default: same as --levels)")
                              ->type_name("4|5")
                              ->check(paging_levels_validator());
  app_->add_option("--seed", seed_, "Seed of the workload's random choices, e.g. 42")
      ->type_name("N")
      ->check(seed_validator())
      ->capture_default_str();
  app_->add_option("--json", json_path_,
                   "Also write the JSON report to FILE, e.g. out.json ('-': on stdout, no table)")
      ->type_name("FILE");
}

SimConfig SimCommand::config_for(PagingMode mode) const {
  SimConfig c;
  c.mode = mode;
  c.page = *parse_page_size(page_);  // the validators have accepted every value by now
  c.nested_page = *parse_page_size(nested_page_);
  c.levels = levels_;
  c.nested_levels = nested_levels_option_->count() > 0 ? nested_levels_ : levels_;
  c.seed = seed_;
  return c;
}

std::vector<RunResult> SimCommand::simulate_all(const WorkloadSpec& spec) const {
  std::vector<RunResult> runs;
  for (PagingMode mode : parse_mode_list(modes_)) {
    try {
      runs.push_back(simulate(config_for(mode), spec));
    } catch (const std::exception& e) {
      // Which of the runs failed matters: memory runs out under one mode and not another.
      throw std::runtime_error(fmt::format("{} mode: {}", paging_mode_name(mode), e.what()));
    }
  }
  return runs;
}

void SimCommand::run() const {
  const bool json_to_stdout = json_path_ == "-";
  std::ofstream json_file;
  if (!json_path_.empty() && !json_to_stdout) json_file = open_json_file(json_path_);
  const WorkloadSpec spec = parse_workload_spec(workload_);
  // The canonical spec names every key, defaults included, so the output says exactly what ran.
  const std::string workload = format_workload_spec(spec);
  const std::vector<RunResult> runs = simulate_all(spec);
  const nlohmann::json report = sim_report_json(workload, runs);
  if (json_to_stdout) {
    write_json(std::cout, report, "stdout");
    return;
  }
  print_table(workload, runs);
  if (json_file.is_open()) write_json(json_file, report, json_path_);
}

}  // namespace memvirt
