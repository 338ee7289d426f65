#pragma once
// Records a program's memory references and address-space changes by running it under
// qemu-x86_64 with memvirt's TCG plugin, which writes them to a pipe in a compact binary form
// (workload/trace/qemu_wire.h) that is decoded as it streams.
#include <optional>
#include <string>
#include <vector>

#include "workload/trace/child_process.hpp"
#include "workload/trace/space_event.hpp"

namespace memvirt {

struct QemuTracer {
  std::string plugin;      // path of the plugin's shared object
  bool per_block = false;  // one execute record per translation block, not per instruction
  bool stdout_to_stderr = false;  // the program's stdout goes to stderr (memvirt's stdout is JSON)
};

// The plugin: $MEMVIRT_QEMU_PLUGIN if set (an error if it names no file), else
// memvirt-qemu-plugin.so beside the running binary; nullopt if there is none.
std::optional<std::string> find_qemu_plugin();
// Whether qemu-x86_64 is on PATH.
bool qemu_available();

// Runs `command` (a program, looked up on PATH, and its arguments) under qemu-x86_64
// and delivers what it did to `sink`, in program order (pid 0 is the program, its children
// 1, 2, ... in order of creation). Throws std::runtime_error if qemu-x86_64 is missing or the
// program fails, TraceError if the plugin's output cannot be read; qemu is then killed and
// reaped.
RecordResult record_with_qemu(const std::vector<std::string>& command, const QemuTracer& tracer,
                              TraceSink& sink, const ChildWatch& watch = {});

}  // namespace memvirt
