// memvirt: the command line. Exit codes: 0 success, 1 runtime error, 2 usage error (also an
// output that would destroy an input, and results files that cannot be joined), 3 no /dev/kvm.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>

#include "cli/calibrate_command.hpp"
#include "cli/compare_command.hpp"
#include "cli/convert_command.hpp"
#include "cli/experiment_command.hpp"
#include "cli/measure_command.hpp"
#include "cli/merge_command.hpp"
#include "cli/plot_command.hpp"
#include "cli/record_command.hpp"
#include "cli/run_command.hpp"
#include "cli/sim_command.hpp"
#include "cli/sweep_command.hpp"
#include "cli/usage_error.hpp"
#include "cli/version.hpp"
#include "kvm/kvm_fd.hpp"
#include "report/output_file.hpp"
#include "sim/error_text.hpp"
#include "sim/sweep_results.hpp"

namespace {

constexpr int kExitRuntimeError = 1;
constexpr int kExitUsage = 2;

constexpr const char* kFooter = R"(Examples:
  memvirt sim --workload listwalk:ws=64MiB,npad=7,order=random
  memvirt sim --workload random:ws=1GiB,steps=1000000 --mode shadow,nested --json out.json
  memvirt sim --help)";

std::string usage_failure(const CLI::App*, const CLI::Error& e) {
  return fmt::format("memvirt: usage error: {}\nRun with --help for more information.\n", e.what());
}

// CLI11 reports help and version requests as exceptions with exit code 0; every other parse
// error gets its own CLI11 code, which we fold into the one usage code.
int finish_parse(const CLI::App& app, const CLI::ParseError& e) {
  return app.exit(e) == 0 ? 0 : kExitUsage;
}

// Refused before any work: nothing was written, and the user must change the command.
int report_usage_refusal(const std::exception& e) {
  std::cout.flush();
  fmt::print(stderr, "memvirt: error: {}\n", e.what());
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app(
      "memvirt: x86-64 address translation under native execution, shadow paging and "
      "nested paging",
      "memvirt");
  app.set_version_flag("--version", std::string(memvirt::kVersion));
  // No require_subcommand(): CLI11 would check it before unexpected arguments, and
  // `memvirt simm` would then be told a subcommand is missing instead of that `simm` is unknown.
  app.footer(kFooter);
  app.failure_message(usage_failure);
  memvirt::SimCommand sim(app);
  memvirt::MeasureCommand measure(app);
  memvirt::CompareCommand compare(app);
  memvirt::ExperimentCommand experiment(app);
  memvirt::RecordCommand record(app);
  memvirt::RunCommand run(app);
  memvirt::ConvertCommand convert(app);
  memvirt::SweepCommand sweep(app);
  memvirt::PlotCommand plot(app);
  memvirt::MergeCommand merge(app);
  memvirt::CalibrateCommand calibrate(app);
  try {
    app.parse(argc, argv);
    if (!sim.selected() && !measure.selected() && !experiment.selected() && !sweep.selected() &&
        !plot.selected() && !merge.selected() && !record.selected() && !compare.selected() &&
        !calibrate.selected() && !convert.selected() && !run.selected())
      throw CLI::RequiredError(
          "a subcommand (sim, run, measure, compare, calibrate, experiment, sweep, plot, merge, "
          "record, convert)");
  } catch (const CLI::ParseError& e) {
    return finish_parse(app, e);
  }
  try {
    if (measure.selected()) {
      measure.run();
    } else if (compare.selected()) {
      compare.run();
    } else if (experiment.selected()) {
      experiment.run();
    } else if (record.selected()) {
      record.run();
    } else if (run.selected()) {
      run.run();
    } else if (convert.selected()) {
      convert.run();
    } else if (sweep.selected()) {
      sweep.run();
    } else if (plot.selected()) {
      plot.run();
    } else if (merge.selected()) {
      merge.run();
    } else if (calibrate.selected()) {
      calibrate.run();
    } else {
      sim.run();
    }
  } catch (const memvirt::UsageError& e) {
    std::cout.flush();
    fmt::print(stderr, "memvirt: usage error: {}\n", e.what());
    return kExitUsage;
  } catch (const memvirt::OutputRefused& e) {
    return report_usage_refusal(e);
  } catch (const memvirt::ResultsConflict& e) {
    return report_usage_refusal(e);
  } catch (const memvirt::KvmUnavailable& e) {
    std::cout.flush();
    fmt::print(stderr, "memvirt: no KVM: {}\n", e.what());
    return memvirt::kExitNoKvm;
  } catch (const std::exception& e) {
    std::cout.flush();
    fmt::print(stderr, "memvirt: error: {}\n", memvirt::error_text(e));
    return kExitRuntimeError;
  } catch (...) {
    std::cout.flush();
    fmt::print(stderr, "memvirt: error: unknown exception\n");
    return kExitRuntimeError;
  }
  return 0;
}
