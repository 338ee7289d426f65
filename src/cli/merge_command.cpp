#include "cli/merge_command.hpp"

#include <fmt/format.h>

#include <iostream>
#include <stdexcept>

#include "report/output_file.hpp"
#include "sim/sweep_results.hpp"

namespace memvirt {
namespace {

void require_complete(const SweepResults& results) {
  const std::vector<size_t> missing = results.missing();
  if (missing.empty()) return;
  const SweepPoint& first = results.points().at(missing.front());
  throw std::runtime_error(fmt::format(
      "{} of {} configurations have no result, the first being {} ({}); run their jobs, or "
      "merge with --partial and resume with `memvirt sweep -o` on the merged file",
      missing.size(), results.points().size(), first.index, point_label(first)));
}

}  // namespace

MergeCommand::MergeCommand(CLI::App& parent) {
  app_ = parent.add_subcommand("merge", "Join the results files of a sweep's jobs");
  app_->footer("Example:\n  memvirt merge -o results.json jobs/result-*.json");
  app_->add_option("-o,--output", output_, "The joined results file")
      ->type_name("FILE")
      ->required();
  app_->add_option("inputs", inputs_, "Results files of jobs (or partial sweeps) of one sweep")
      ->type_name("FILE...")
      ->required()
      ->check(CLI::ExistingFile);
  app_->add_flag("--partial", partial_, "Write the file even if some configurations are missing");
}

void MergeCommand::run() const {
  std::vector<InputFile> inputs;
  for (const std::string& path : inputs_) inputs.push_back({path, "an input of the merge"});
  refuse_unsafe_output(output_, inputs);
  const nlohmann::json first = read_results_document(inputs_.front());
  SweepResults results(lists_from_json(first.at("sweep")));
  for (const std::string& path : inputs_) {
    const nlohmann::json doc = path == inputs_.front() ? first : read_results_document(path);
    if (lists_from_json(doc.at("sweep")) != results.lists())
      throw ResultsConflict(
          fmt::format("'{}' belongs to another sweep than '{}' (its \"sweep\" lists differ)", path,
                      inputs_.front()));
    results.adopt(doc, path);
  }
  if (!partial_) require_complete(results);
  write_file_atomically(output_, results_text(results), inputs);
  std::cout << fmt::format("{}: {} of {} configurations from {} files\n", output_,
                           results.finished(), results.points().size(), inputs_.size());
}

}  // namespace memvirt
