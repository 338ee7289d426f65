#pragma once
// A change a recorded program made to its address space, decoded from a system call and its
// return value: what a trace carries beside its memory references so that replay can make the
// same page-table updates the program made, where it made them.
#include <cstdint>

#include "workload/trace/trace_record.hpp"

namespace memvirt {

enum class SpaceEventKind : uint8_t {
  kMmap = 0,      // [addr, addr+length) mapped with prot and flags (MAP_* bits as Linux has them)
  kMunmap = 1,    // [addr, addr+length) unmapped
  kMprotect = 2,  // [addr, addr+length) given prot
  kMremap = 3,    // [old_addr, old_addr+old_length) moved or resized to [addr, addr+length)
  kBrk = 4,       // the break moved from old_addr to addr
  kMadvise = 5,   // [addr, addr+length) advised: flags holds the advice (MADV_* as Linux has it)
  kFork = 6,      // pid made the new process child (a copy of its address space)
  kThread = 7,    // pid made the new thread child (sharing its address space)
  kExec = 8,      // pid replaced its address space with a new program's
  kExit = 9,      // pid (a process, or with child set a thread of it) exited
};
inline constexpr unsigned kSpaceEventKinds = 10;

struct SpaceEvent {
  SpaceEventKind kind = SpaceEventKind::kMmap;
  uint32_t pid = 0;    // the process (thread group) that made the call
  uint32_t child = 0;  // kFork and kThread: the new process or thread; kExit: the thread, or 0
  uint64_t addr = 0;
  uint64_t length = 0;
  uint64_t old_addr = 0;    // kMremap: the old start; kBrk: the old break
  uint64_t old_length = 0;  // kMremap: the old length
  uint32_t prot = 0;        // PROT_* bits (kMmap, kMprotect)
  uint32_t flags = 0;       // kMmap: MAP_* bits; kMadvise: the advice

  friend bool operator==(const SpaceEvent&, const SpaceEvent&) = default;
};

const char* space_event_name(SpaceEventKind kind);  // "mmap", "munmap", ...

// Where a recorder delivers what it saw, in the order the program did it: references and
// address-space events interleaved as they happened.
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void record(const TraceRecord& r) = 0;
  virtual void event(const SpaceEvent& e) = 0;
};

}  // namespace memvirt
