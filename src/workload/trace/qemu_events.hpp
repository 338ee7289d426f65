#pragma once
// What the QEMU plugin's frames and system-call records mean for the trace: which process a
// thread belongs to (numbered 0, 1, ... in order of creation) and which address-space events
// each call made, delivered to the sink in the order they are learnt.
#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

#include "workload/trace/space_event.hpp"

namespace memvirt {

// One system call as the plugin saw it (host ids: in qemu-user a guest thread is a host one).
struct QemuSyscall {
  int64_t num = 0;
  uint64_t args[6] = {};
  int64_t ret = 0;
  enum class Part : uint8_t { kWhole, kEntry, kReturn } part = Part::kWhole;
};

class QemuEvents {
 public:
  explicit QemuEvents(TraceSink& sink) : sink_(sink) {}

  // The trace pid of a frame's writer; a thread or process not seen before is announced first
  // (as a thread of its process, or a fork of `parent_tgid`).
  uint32_t enter_frame(uint32_t tgid, uint32_t tid, uint32_t parent_tgid);
  // The events of `call`, made by thread `tid` of trace process `pid`.
  void syscall(uint32_t pid, uint32_t tid, const QemuSyscall& call);
  // The stream ended: an exec that never returned succeeded.
  void finish();

  uint64_t events() const { return events_; }

 private:
  uint32_t process(uint32_t tgid, uint32_t parent_tgid);
  void new_process(uint32_t tgid, uint32_t parent_pid);
  void new_thread(uint32_t tid, uint32_t pid);
  void created_task(uint32_t pid, const QemuSyscall& call);
  void moved_break(uint32_t pid, uint64_t now);
  void emit(const SpaceEvent& e);

  TraceSink& sink_;
  std::unordered_map<uint32_t, uint32_t> pids_;     // host tgid -> trace pid
  std::unordered_map<uint32_t, uint32_t> threads_;  // host tid -> trace pid
  std::unordered_map<uint32_t, uint64_t> breaks_;   // trace pid -> program break, once known
  std::map<uint32_t, uint32_t> pending_execs_;      // host tid -> trace pid
  uint32_t next_pid_ = 0;
  uint64_t events_ = 0;
};

}  // namespace memvirt
