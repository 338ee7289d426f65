#include "cli/plot_command.hpp"

#include <fmt/format.h>

#include <iostream>
#include <stdexcept>

#include "cli/validators.hpp"
#include "report/output_file.hpp"
#include "report/plot_data.hpp"
#include "report/plot_render.hpp"
#include "report/plot_script.hpp"
#include "sim/sweep_results.hpp"
#include "text/message_quote.hpp"
#include "workload/spec.hpp"

namespace memvirt {
namespace {

constexpr const char* kPlotFooter = R"(Examples:
  memvirt plot results.json -o curves.png
  memvirt plot results.json -o breakdown.svg --kind breakdown --ws 64MiB
The curves: cycles per access (page-walk references per access when the results have no cycles)
against working-set size, one line per mode and page size. The breakdown: one stacked bar per
mode and page size at one working set (the largest unless --ws).)";

CLI::Validator size_validator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        try {
          parse_size(text);
          return "";
        } catch (const std::invalid_argument& e) {
          return e.what();
        }
      },
      "", "size");
}

}  // namespace

PlotCommand::PlotCommand(CLI::App& parent) {
  app_ = parent.add_subcommand("plot", "Draw a sweep's results with gnuplot (SVG or PNG)");
  app_->footer(kPlotFooter);
  app_->add_option("results", input_, "Results file of `memvirt sweep` or `memvirt merge`")
      ->type_name("FILE")
      ->required()
      ->check(CLI::ExistingFile);
  app_->add_option("-o,--output", output_, "The picture; its extension picks the format")
      ->type_name("FILE.svg|FILE.png")
      ->required()
      ->check(picture_path_validator());
  app_->add_option("--kind", kind_, "Which picture")
      ->type_name("curve|breakdown")
      ->check(CLI::IsMember({"curve", "breakdown"}))
      ->capture_default_str();
  app_->add_option("--ws", working_set_, "Working set of the breakdown (default: the largest)")
      ->type_name("SIZE")
      ->check(size_validator());
  app_->add_option("--script", script_path_, "Also save the gnuplot script, e.g. fig.gp")
      ->type_name("FILE");
}

std::string PlotCommand::script(const std::string& terminal) const {
  const nlohmann::json doc = read_results_document(input_);
  if (kind_ == "curve") return curve_script(curve_data(doc), terminal);
  std::optional<uint64_t> ws;
  if (!working_set_.empty()) ws = parse_size(working_set_);
  return breakdown_script(breakdown_data(doc, ws), terminal);
}

void PlotCommand::run() const {
  const std::optional<std::string> gnuplot = find_gnuplot();
  if (!gnuplot && script_path_.empty())
    throw std::runtime_error(
        "gnuplot not found on PATH; install it, e.g. `apt-get install gnuplot-nox`");
  const std::string text = script(terminal_for(output_, gnuplot.value_or("")));
  if (!script_path_.empty())
    write_file_atomically(script_path_, text, {{input_, "the results file to plot"}});
  render_picture(text, output_);  // without gnuplot: the script is saved, this says what to add
  std::cout << fmt::format("{}: {} plot of {}\n", output_, kind_, input_);
}

}  // namespace memvirt
