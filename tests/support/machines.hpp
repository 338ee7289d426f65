#pragma once
// Small helpers to drive a simulated machine by hand in tests.
#include "sim/machine.hpp"

namespace memvirt::test {

inline constexpr uint64_t kBase = 0x1000ull << 32;  // 16 TiB
inline constexpr PagingMode kAllModes[] = {PagingMode::kNative, PagingMode::kShadow,
                                           PagingMode::kNested, PagingMode::kFlatNested};

inline SimConfig config_for(PagingMode mode, PageSize nested_page = PageSize::k4K,
                            int levels = 4) {
  SimConfig c;
  c.mode = mode;
  c.nested_page = nested_page;
  c.levels = levels;
  c.nested_levels = levels;
  c.guest_memory = uint64_t{64} << 30;
  c.host_memory = uint64_t{256} << 30;
  return c;
}

inline Event mmap_event(uint32_t pid, uint64_t addr, uint64_t length, PageSize page = PageSize::k4K,
                        uint8_t prot = kProtRead | kProtWrite) {
  Event e;
  e.kind = EventKind::kMmap;
  e.pid = pid;
  e.addr = GuestVirt(addr);
  e.length = length;
  e.page = page;
  e.prot = prot;
  return e;
}

inline Event simple_event(EventKind kind, uint32_t pid, uint64_t addr = 0, uint64_t length = 0,
                          uint8_t prot = kProtNone) {
  Event e;
  e.kind = kind;
  e.pid = pid;
  e.addr = GuestVirt(addr);
  e.length = length;
  e.prot = prot;
  return e;
}

inline Event fork_event(uint32_t parent, uint32_t child) {
  Event e = simple_event(EventKind::kFork, parent);
  e.child = child;
  return e;
}

// The host frame a process's own tables and the VMM's gPA -> hPA map give for `va`.
inline std::optional<HostPhys> composed(Machine& m, uint32_t pid, GuestVirt va) {
  const auto g = m.kernel().lookup(pid, va);
  if (!g) return std::nullopt;
  return m.hypervisor().host_of(g->gpa);
}

// References of a walk of `va`, whose tables and data are backed already (it is touched first),
// with the TLB emptied before it.
inline uint64_t cold_walk_refs(Machine& m, GuestVirt va) {
  m.access(0, va, AccessType::kRead);
  const uint64_t before = m.mmu().stats().guest_refs + m.mmu().stats().nested_refs;
  m.mmu().tlb().invalidate_all();
  m.access(0, va, AccessType::kRead);
  return m.mmu().stats().guest_refs + m.mmu().stats().nested_refs - before;
}

}  // namespace memvirt::test
