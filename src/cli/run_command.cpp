#include "cli/run_command.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>

#include "cli/json_output.hpp"
#include "cli/run_inputs.hpp"
#include "cli/sim_printing.hpp"
#include "cli/validators.hpp"
#include "report/interrupt_stop.hpp"
#include "report/json_report.hpp"
#include "report/live_progress.hpp"
#include "report/output_file.hpp"
#include "report/signal_cleanup.hpp"
#include "sim/live_simulations.hpp"
#include "text/shell_quote.hpp"
#include "workload/trace/mvt_writer.hpp"
#include "workload/trace/qemu_recorder.hpp"

namespace memvirt {
namespace {

constexpr const char* kRunFooter = R"(Examples:
  memvirt run -- ls -l /usr
  memvirt run --mode native,shadow,pv,nested --page 2m --json sort.json -- sort big.txt
  memvirt run --save-trace xz.mvt -- xz -9 -k -c data.bin

The program runs under qemu-x86_64 (Debian package qemu-user) with memvirt's plugin
(memvirt-qemu-plugin.so beside the memvirt binary, or $MEMVIRT_QEMU_PLUGIN), which also sees its
mmap, munmap, mprotect, mremap, brk, madvise, clone, fork, execve and exit calls; they become the
simulated kernel's events where the program made them. Every mode is simulated from the one live
stream on a thread of its own, while the program runs. With `--json -` the program's own output
goes to stderr, so that stdout holds the JSON alone. Ctrl-C stops the program: the tables then
cover what it did until then; a second Ctrl-C ends memvirt at once. `--save-trace` keeps the
stream as a .mvt that `memvirt sim --workload trace:FILE` simulates to the same results.)";

// What the tracer delivers goes to the simulations and, with --save-trace, to a file as well.
class TeeSink final : public TraceSink {
 public:
  TeeSink(TraceSink& first, TraceSink* second) : first_(first), second_(second) {}
  void record(const TraceRecord& r) override {
    first_.record(r);
    if (second_) second_->record(r);
  }
  void event(const SpaceEvent& e) override {
    first_.event(e);
    if (second_) second_->event(e);
  }

 private:
  TraceSink& first_;
  TraceSink* second_;
};

std::string command_text(const std::vector<std::string>& command) {
  std::string text;
  for (const std::string& arg : command) text += (text.empty() ? "" : " ") + shell_quote(arg);
  return text;
}

std::vector<InputFile> run_inputs(const std::vector<std::string>& command, const std::string& cpu) {
  std::vector<InputFile> inputs = cpu_inputs(cpu);
  for (InputFile& input : program_inputs(command, "the program to run"))
    inputs.push_back(std::move(input));
  return inputs;
}

std::string qemu_plugin_or_fail() {
  const std::optional<std::string> plugin = find_qemu_plugin();
  if (!plugin)
    throw std::runtime_error(
        "run: memvirt-qemu-plugin.so is not beside the memvirt binary; set MEMVIRT_QEMU_PLUGIN "
        "to its path");
  if (!qemu_available())
    throw std::runtime_error(
        "run: qemu-x86_64 is not installed or not on PATH; install it (Debian/Ubuntu: apt-get "
        "install qemu-user), or record the program with `memvirt record --tracer lackey` and "
        "simulate the trace with `memvirt sim`");
  return *plugin;
}

// Runs the program under the tracer into `sink`, killed (with qemu) if memvirt is; true if
// Ctrl-C (the caller's InterruptStop) stopped it, when what it did until then is simulated.
bool trace_program(const std::vector<std::string>& command, const QemuTracer& tracer,
                   TraceSink& sink) {
  SignalCleanup stop_child;
  const ChildWatch watch = [&stop_child](pid_t pid) {
    stop_child = pid > 0 ? SignalCleanup::kill_process(pid) : SignalCleanup();
    InterruptStop::watch(pid);
  };
  try {
    record_with_qemu(command, tracer, sink, watch);
  } catch (const std::exception&) {
    if (!InterruptStop::requested()) throw;
    return true;
  }
  return false;
}

}  // namespace

RunCommand::RunCommand(CLI::App& parent) {
  app_ = parent.add_subcommand(
      "run", "Run a program under the tracer and simulate it as it runs, under each paging mode");
  app_->footer(kRunFooter);
  add_mode_option(*app_, modes_, "to simulate at once, e.g. native,nested");
  options_.add_to(*app_);
  app_->add_option("--json", json_path_,
                   "Also write the JSON report to FILE ('-': on stdout, no table)")
      ->type_name("FILE");
  app_->add_flag("--counters", counters_,
                 "Also print every component's counters, with unit and meaning (the JSON always "
                 "has them, under \"counters\")");
  app_->add_option("--save-trace", save_trace_,
                   "Also keep the traced stream as a .mvt (version 2) in FILE")
      ->type_name("FILE");
  app_->add_flag("--per-block", per_block_,
                 "One execute record per translated block executed, not per instruction");
  app_->add_option("command", command_, "The program and its arguments, after --")
      ->required()
      ->expected(1, -1);
}

void RunCommand::run() const {
  // The live stream is simulated as a trace would be: no warm-up unless --warmup N.
  const WorkloadSpec spec = TraceSpec{.file = "(live)", .format = TraceSpec::Format::kMvt};
  std::vector<SimConfig> configs = checked_mode_configs(options_, modes_, spec);
  const std::string plugin = qemu_plugin_or_fail();
  std::vector<InputFile> inputs = run_inputs(command_, options_.cpu());
  JsonOutput json(json_path_, inputs);
  std::unique_ptr<OutputFile> saved;
  std::optional<MvtWriter> writer;
  if (!save_trace_.empty()) {
    if (!json_path_.empty() && json_path_ != "-") inputs.push_back({json_path_, "the --json file"});
    saved = std::make_unique<OutputFile>(save_trace_, inputs);
    writer.emplace(saved->stream(), MvtWriterOptions{.pids = true, .events = true});
  }

  LiveSimulations sims(std::move(configs), spec);
  TeeSink tee(sims.sink(), writer ? &*writer : nullptr);
  // With the JSON on stdout, the program's own output goes to stderr.
  const QemuTracer tracer{plugin, per_block_, json.to_stdout()};
  bool interrupted = false;
  std::vector<RunResult> runs;
  {
    const InterruptStop interrupt;  // until the simulations end: a second Ctrl-C ends memvirt
    const LiveProgress progress([&sims] { return LiveCounts{sims.traced(), sims.simulated()}; },
                                stderr);
    interrupted = trace_program(command_, tracer, tee);
    runs = sims.finish();
  }
  const uint64_t traced = sims.traced();
  if (interrupted)
    fmt::print(stderr, "run: interrupted: {} was stopped after {} references; the results cover "
                       "those\n",
               command_.front(), traced);
  if (writer) {
    writer->finish();
    saved->commit();
    fmt::print(stderr, "run: kept {} references and {} address-space events in {}\n", traced,
               writer->events(), save_trace_);
  }

  report_skipped_records(runs.front());
  const std::string workload = "program " + command_text(command_);
  nlohmann::json report = sim_report_json(workload, runs);
  report["program"] = command_;
  report["tracer"] = {{"name", "qemu"}, {"per_block", per_block_}, {"references", traced}};
  report["interrupted"] = interrupted;
  if (json.to_stdout()) return json.write(report);
  print_sim_table(workload, runs, counters_);
  json.write(report);
}

}  // namespace memvirt
