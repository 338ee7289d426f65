#include "cli/record_command.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "workload/trace/lackey_recorder.hpp"

namespace memvirt {
namespace {

constexpr const char* kRecordFooter = R"(Examples:
  memvirt record -o ls.mvt -- ls -l /usr
  memvirt sim --workload trace:ls.mvt --mode native,nested

The program runs under valgrind --tool=lackey (Debian package valgrind), about 100 times slower
than natively. The trace holds its instruction fetches, loads and stores, in order.)";

std::ofstream open_output(const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("record: cannot create " + path);
  return out;
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
  // Written under a temporary name, so that a failed run leaves no trace that looks whole.
  const std::string partial = output_ + ".partial";
  RecordResult result;
  try {
    std::ofstream out = open_output(partial);
    std::unique_ptr<std::ofstream> text;
    if (!lackey_copy_.empty()) text = std::make_unique<std::ofstream>(open_output(lackey_copy_));
    result = record_with_lackey(command_, out, text.get());
    out.close();
    if (!out) throw std::runtime_error("record: cannot write " + partial);
  } catch (...) {
    std::remove(partial.c_str());
    throw;
  }
  if (std::rename(partial.c_str(), output_.c_str()) != 0)
    throw std::runtime_error("record: cannot rename " + partial + " to " + output_);
  fmt::print("recorded {} references of {} into {}\n", result.records, command_.front(), output_);
}

}  // namespace memvirt
