#include "cli/convert_command.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "cli/usage_error.hpp"
#include "report/output_file.hpp"
#include "workload/trace/convert_trace.hpp"
#include "workload/trace/mvt_reader.hpp"
#include "workload/trace/open_trace.hpp"

namespace memvirt {
namespace {

constexpr const char* kConvertFooter = R"(Examples:
  memvirt convert ls.lackey ls.mvt
  memvirt convert 600.perlbench_s-210B.champsimtrace.xz perlbench.mvt
  memvirt convert web_phase0_core0.trace.xz web.mvt --format champsim-cloudsuite

The format comes from the input's first bytes, else from its name, as for --workload trace:.
The output is written to a temporary file and renamed only when complete: a damaged input
leaves the old output as it was.)";

TraceSpec::Format format_named(const std::string& text) {
  try {
    return parse_trace_format(text);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--format: ") + e.what());
  }
}

// What the output's header says, from the reader: CloudSuite ASIDs and .mvt pids are process
// ids; a version 2 .mvt input may carry events.
ConvertOptions options_for(const TraceReader& reader, TraceSpec::Format format) {
  if (const auto* mvt = dynamic_cast<const MvtReader*>(&reader))
    return {mvt->has_pids(), mvt->version() >= 2};
  return {format == TraceSpec::Format::kChampSimCloudSuite, false};
}

}  // namespace

ConvertCommand::ConvertCommand(CLI::App& parent) {
  app_ = parent.add_subcommand("convert", "Convert a lackey or ChampSim trace into a .mvt trace");
  app_->footer(kConvertFooter);
  app_->add_option("input", input_, "The trace to read (- for stdin)")->required();
  app_->add_option("output", output_, "The .mvt trace to write")->required();
  app_->add_option("--format", format_,
                   "auto, mvt, lackey, champsim or champsim-cloudsuite (default: auto)");
}

void ConvertCommand::run() const {
  TraceSpec::Format format = format_named(format_);
  // The output is checked (and its temporary made) before the input is read.
  OutputFile out(output_, {{input_, "the input trace"}});
  if (format == TraceSpec::Format::kAuto && input_ != "-") format = detect_trace_format(input_);
  const auto reader = open_trace(input_, format);
  const ConvertResult result = convert_trace(*reader, out.stream(), options_for(*reader, format));
  out.commit();
  if (result.events != 0)
    fmt::print("converted {} records and {} events of {} into {}\n", result.records,
               result.events, input_, output_);
  else
    fmt::print("converted {} records of {} into {}\n", result.records, input_, output_);
}

}  // namespace memvirt
