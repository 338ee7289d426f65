#pragma once
// Event builders and the address layout for the generators that run several processes (churn,
// ctxswitch, forkexec).
#include <cstdint>

#include "arch/page_size.hpp"
#include "workload/event.hpp"
#include "workload/spec.hpp"
#include "workload/workload.hpp"

namespace memvirt {

// Process `pid`'s private regions live in the kProcessSlotBytes of address space from here, so
// no two processes' regions meet even if one inherits the other's mappings through fork.
constexpr uint64_t process_slot(uint32_t pid) {
  return kWorkloadRegionBase + uint64_t{pid} * kProcessSlotBytes;
}

// Shared memory sits above the last slot, at the same address in every process.
inline constexpr uint64_t kSharedRegionAddr = process_slot(kMaxProcesses);

constexpr uint64_t round_up_to_page(uint64_t bytes, PageSize page) {
  const uint64_t mask = page_bytes(page) - 1;
  return (bytes + mask) & ~mask;
}

// Read-write memory backed by `page` pages; `region` != 0 maps that shared-memory object.
inline Event make_mmap(uint32_t pid, uint64_t addr, uint64_t length, PageSize page,
                       uint32_t region = 0) {
  Event e;
  e.kind = EventKind::kMmap;
  e.prot = kProtRead | kProtWrite;
  e.page = page;
  e.pid = pid;
  e.region = region;
  e.addr = GuestVirt(addr);
  e.length = length;
  return e;
}

inline Event make_munmap(uint32_t pid, uint64_t addr, uint64_t length) {
  Event e;
  e.kind = EventKind::kMunmap;
  e.pid = pid;
  e.addr = GuestVirt(addr);
  e.length = length;
  return e;
}

inline Event make_access(EventKind kind, uint32_t pid, uint64_t addr) {
  Event e;
  e.kind = kind;
  e.pid = pid;
  e.addr = GuestVirt(addr);
  return e;
}

// kSwitch, kExit or kExec of `pid`.
inline Event make_process_event(EventKind kind, uint32_t pid) {
  Event e;
  e.kind = kind;
  e.pid = pid;
  return e;
}

inline Event make_fork(uint32_t parent, uint32_t child) {
  Event e = make_process_event(EventKind::kFork, parent);
  e.child = child;
  return e;
}

}  // namespace memvirt
