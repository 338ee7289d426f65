#include "cli/record_command.hpp"

#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "report/output_file.hpp"
#include "report/signal_cleanup.hpp"
#include "workload/trace/lackey_recorder.hpp"

namespace memvirt {
namespace {

constexpr const char* kRecordFooter = R"(Examples:
  memvirt record -o ls.mvt -- ls -l /usr
  memvirt sim --workload trace:ls.mvt --mode native,nested

The program runs under valgrind --tool=lackey (Debian package valgrind), about 100 times slower
than natively. The trace holds its instruction fetches, loads and stores, in order.)";

// The files record must not overwrite: the program it runs, where named by path.
std::vector<InputFile> record_inputs(const std::vector<std::string>& command) {
  if (command.empty() || command.front().find('/') == std::string::npos) return {};
  return {{command.front(), "the program to record"}};
}

}  // namespace

RecordCommand::RecordCommand(CLI::App& parent) {
  app_ = parent.add_subcommand("record", "Record a program's memory references into a .mvt trace");
  app_->footer(kRecordFooter);
  app_->add_option("-o,--output", output_, "The .mvt trace to write")->required();
  app_->add_option("--lackey-text", lackey_copy_,
                   "Also keep lackey's trace text in this file, as it came");
  app_->add_option("command", command_, "The program and its arguments, after --")
      ->required()
      ->expected(1, -1);
}

void RecordCommand::run() const {
  // Both outputs are checked and opened before the program runs, and replace their files only
  // once the recording is whole: a failed or interrupted run leaves the old files as they were.
  std::vector<InputFile> inputs = record_inputs(command_);
  OutputFile out(output_, inputs);
  std::unique_ptr<OutputFile> text;
  if (!lackey_copy_.empty()) {
    inputs.push_back({output_, "the -o trace"});
    text = std::make_unique<OutputFile>(lackey_copy_, inputs);
  }
  SignalCleanup stop_child;  // a signal that ends memvirt ends the recorded program too
  const ChildWatch watch = [&stop_child](pid_t pid) {
    stop_child = pid > 0 ? SignalCleanup::kill_process(pid) : SignalCleanup();
  };
  const RecordResult result =
      record_with_lackey(command_, out.stream(), text ? &text->stream() : nullptr, watch);
  if (text) text->commit();
  out.commit();
  fmt::print("recorded {} references of {} into {}\n", result.records, command_.front(), output_);
}

}  // namespace memvirt
