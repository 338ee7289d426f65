#include "cli/experiment_command.hpp"

#include <fmt/format.h>

#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/json_output.hpp"
#include "cli/validators.hpp"
#include "report/text_table.hpp"
#include "sim/warmup.hpp"
#include "text/message_quote.hpp"
#include "workload/spec.hpp"

namespace memvirt {
namespace {

constexpr const char* kExperimentFooter = R"(Examples:
  memvirt experiment --list
  memvirt experiment pt-update-cost
  memvirt experiment vmm-memory --max-procs 64 --json vmm-memory.json
  memvirt experiment miss-amplification --levels 5)";

std::string experiment_list() {
  std::string text;
  for (const Experiment& e : experiments()) text += fmt::format("  {:<20}{}\n", e.name, e.summary);
  return text;
}

CLI::Validator experiment_name_validator() {
  return CLI::Validator(
      [](std::string& name) -> std::string {
        if (find_experiment(name)) return {};
        return fmt::format("unknown experiment {}; the experiments are:\n{}", message_quote(name),
                           experiment_list());
      },
      "NAME");
}

std::string cell_text(const ExperimentColumn& column, const ExperimentRow& value) {
  switch (column.kind) {
    case CellKind::kText: return value.get<std::string>();
    case CellKind::kCount: return with_thousands(value.get<uint64_t>());
    case CellKind::kFixed: return fixed(value.get<double>(), column.decimals);
  }
  return {};
}

std::string render(const ExperimentTable& table) {
  std::vector<Column> columns;
  for (const ExperimentColumn& c : table.columns)
    columns.push_back({c.header, c.kind == CellKind::kText ? Align::kLeft : Align::kRight});
  TextTable text(std::move(columns));
  for (const ExperimentRow& row : table.rows) {
    std::vector<std::string> cells;
    for (const ExperimentColumn& c : table.columns) cells.push_back(cell_text(c, row.at(c.key)));
    text.add_row(std::move(cells));
  }
  return text.render();
}

nlohmann::ordered_json json_report(const std::string& name, const ExperimentTable& table) {
  return {{"experiment", name}, {"counting", table.counting}, {"rows", table.rows}};
}

}  // namespace

ExperimentCommand::ExperimentCommand(CLI::App& parent) {
  app_ = parent.add_subcommand("experiment", "Run one of the built-in experiments as a table");
  app_->footer(kExperimentFooter);
  app_->add_option("name", name_, "The experiment, e.g. pt-update-cost (none: list them)")
      ->type_name("NAME")
      ->check(experiment_name_validator());
  app_->add_flag("--list", list_, "List the experiments with a line on each");
  app_->add_option("--json", json_path_,
                   "Also write {\"experiment\": NAME, \"rows\": [...]} to FILE ('-': stdout only)")
      ->type_name("FILE");
  app_->add_option("--seed", seed_, "Seed of the workloads' random choices, e.g. 42")
      ->type_name("N")
      ->check(seed_validator())
      ->capture_default_str();
  app_->add_option("--model", model_, "Who the VMM is (PV rows always run Xen)")
      ->type_name("xen|kvm")
      ->check(vmm_model_validator())
      ->capture_default_str();
  app_->add_option("--levels", levels_, "Guest and EPT paging levels (5 = LA57)")
      ->type_name("4|5")
      ->check(paging_levels_validator())
      ->capture_default_str();
  app_->add_option("--max-procs", max_procs_, "vmm-memory: the largest number of processes")
      ->type_name("N")
      ->check(count_validator(1, kMaxProcesses))
      ->capture_default_str();
  app_->add_flag("--quick", quick_, "Reduced sizes: a smoke test in seconds, not the claim");
  app_->add_option("--warmup", warmup_,
                   "Accesses simulated before counting in miss-amplification and tlb-tags; auto: "
                   "listwalk and random rows are the loop `memvirt measure` times "
                   "(pt-update-cost and vmm-memory count from first touch, their point)")
      ->type_name("auto|N")
      ->check(warmup_validator())
      ->capture_default_str();
}

ExperimentOptions ExperimentCommand::options() const {
  // The validators have accepted every value by the time this runs.
  return ExperimentOptions{.seed = seed_,
                           .model = *parse_vmm_model(model_),
                           .levels = levels_,
                           .max_procs = max_procs_,
                           .quick = quick_,
                           .warmup = parse_warmup(warmup_)};
}

void ExperimentCommand::run() const {
  if (list_ || name_.empty()) {
    std::cout << "Experiments (memvirt experiment NAME [--json FILE]):\n" << experiment_list();
    return;
  }
  JsonOutput json(json_path_);
  const ExperimentTable table = find_experiment(name_)->run(options());
  if (json.to_stdout()) return json.write(json_report(name_, table));
  std::cout << fmt::format("experiment {}  seed {}  model {}  levels {}{}\n{}\n\n", name_,
                           seed_, model_, levels_, quick_ ? "  (quick)" : "", table.counting)
            << render(table);
  json.write(json_report(name_, table));
}

}  // namespace memvirt
