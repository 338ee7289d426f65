#include "cli/record_command.hpp"

#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/run_inputs.hpp"
#include "report/output_file.hpp"
#include "report/signal_cleanup.hpp"
#include "workload/trace/lackey_recorder.hpp"
#include "workload/trace/mvt_writer.hpp"
#include "workload/trace/qemu_recorder.hpp"

namespace memvirt {
namespace {

constexpr const char* kRecordFooter = R"(Examples:
  memvirt record -o ls.mvt -- ls -l /usr
  memvirt sim --workload trace:ls.mvt --mode native,nested

--tracer qemu runs the program under qemu-x86_64 (Debian package qemu-user) with memvirt's
plugin (memvirt-qemu-plugin.so beside the memvirt binary, or $MEMVIRT_QEMU_PLUGIN) and also sees
its mmap, munmap, mprotect, mremap, brk, madvise, clone, fork, execve and exit calls;
--tracer lackey runs it under valgrind --tool=lackey (Debian package valgrind), which is much
slower (bench/record-speed compares them). The default is qemu where both are found, else
lackey. The trace holds the program's
instruction fetches, loads and stores, in order.)";

// The files record must not overwrite: the program it runs, where named by path.
std::vector<InputFile> record_inputs(const std::vector<std::string>& command) {
  return program_inputs(command, "the program to record");
}

// A signal that ends memvirt ends the recorded program too.
ChildWatch watch_into(SignalCleanup& stop_child) {
  return [&stop_child](pid_t pid) {
    stop_child = pid > 0 ? SignalCleanup::kill_process(pid) : SignalCleanup();
  };
}

}  // namespace

RecordCommand::RecordCommand(CLI::App& parent) {
  app_ = parent.add_subcommand("record", "Record a program's memory references into a .mvt trace");
  app_->footer(kRecordFooter);
  app_->add_option("-o,--output", output_, "The .mvt trace to write")->required();
  app_->add_option("--tracer", tracer_,
                   "qemu (qemu-x86_64 with memvirt's plugin) or lackey (valgrind); default: qemu "
                   "where it is found, else lackey")
      ->check(CLI::IsMember({"auto", "qemu", "lackey"}));
  app_->add_flag("--per-block", per_block_,
                 "qemu: one execute record per translated block executed, not per instruction");
  app_->add_option("--lackey-text", lackey_copy_,
                   "lackey: also keep lackey's trace text in this file, as it came");
  app_->add_option("command", command_, "The program and its arguments, after --")
      ->required()
      ->expected(1, -1);
  app_->parse_complete_callback([this] {
    if (tracer_ == "qemu" && !lackey_copy_.empty())
      throw CLI::ValidationError("--lackey-text", "is for --tracer lackey, not qemu");
    if (tracer_ == "lackey" && per_block_)
      throw CLI::ValidationError("--per-block", "is for --tracer qemu, not lackey");
    if (per_block_ && !lackey_copy_.empty())
      throw CLI::ValidationError("--per-block", "is for --tracer qemu; --lackey-text for lackey");
  });
}

void RecordCommand::run() const {
  if (tracer_ == "lackey") return run_lackey("");
  if (!lackey_copy_.empty()) return run_lackey("--lackey-text asks for lackey");
  std::optional<std::string> plugin = find_qemu_plugin();
  if (tracer_ == "qemu") {
    if (!plugin)
      throw std::runtime_error(
          "record: memvirt-qemu-plugin.so is not beside the memvirt binary; set "
          "MEMVIRT_QEMU_PLUGIN to its path");
    return run_qemu(*plugin);
  }
  if (!plugin) return run_lackey("memvirt-qemu-plugin.so was not found beside memvirt");
  if (!qemu_available()) return run_lackey("qemu-x86_64 was not found on PATH");
  run_qemu(*plugin);
}

void RecordCommand::run_qemu(const std::string& plugin) const {
  fmt::print(stderr, "record: tracing with qemu-x86_64 and {}\n", plugin);
  OutputFile out(output_, record_inputs(command_));
  SignalCleanup stop_child;
  // Version 2: the references and, between them, the program's address-space changes.
  MvtWriter writer(out.stream(), MvtWriterOptions{.pids = true, .events = true});
  const RecordResult result =
      record_with_qemu(command_, {plugin, per_block_}, writer, watch_into(stop_child));
  writer.finish();
  out.commit();
  fmt::print("recorded {} references and {} address-space events of {} into {}\n",
             result.records, writer.events(), command_.front(), output_);
}

void RecordCommand::run_lackey(const std::string& why) const {
  if (per_block_)  // only qemu can give per-block records; lackey would silently not
    throw std::runtime_error("record: --per-block needs the qemu tracer, and " + why);
  if (!why.empty()) fmt::print(stderr, "record: tracing with valgrind lackey ({})\n", why);
  // Both outputs are checked and opened before the program runs, and replace their files only
  // once the recording is whole: a failed or interrupted run leaves the old files as they were.
  std::vector<InputFile> inputs = record_inputs(command_);
  OutputFile out(output_, inputs);
  std::unique_ptr<OutputFile> text;
  if (!lackey_copy_.empty()) {
    inputs.push_back({output_, "the -o trace"});
    text = std::make_unique<OutputFile>(lackey_copy_, inputs);
  }
  SignalCleanup stop_child;
  const RecordResult result = record_with_lackey(
      command_, out.stream(), text ? &text->stream() : nullptr, watch_into(stop_child));
  if (text) text->commit();
  out.commit();
  fmt::print("recorded {} references of {} into {}\n", result.records, command_.front(), output_);
}

}  // namespace memvirt
