#pragma once
// The one region a single-region generator works in: mapped by its first event.
#include <cstdint>

#include "arch/page_size.hpp"
#include "workload/event.hpp"
#include "workload/workload.hpp"

namespace memvirt {

// Maps `bytes` (rounded up to whole pages) at kWorkloadRegionBase in pid 0, read-write.
inline Event region_mmap_event(uint64_t bytes, PageSize page) {
  const uint64_t page_mask = page_bytes(page) - 1;
  Event e;
  e.kind = EventKind::kMmap;
  e.prot = kProtRead | kProtWrite;
  e.page = page;
  e.addr = GuestVirt(kWorkloadRegionBase);
  e.length = (bytes + page_mask) & ~page_mask;
  return e;
}

inline Event access_event(EventKind kind, uint64_t offset) {
  Event e;
  e.kind = kind;
  e.addr = GuestVirt(kWorkloadRegionBase + offset);
  return e;
}

}  // namespace memvirt
