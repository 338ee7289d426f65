#pragma once
// What a page walk returns: the translation, or the fault that stopped it, plus every
// page-table reference it made.
#include <cstdint>

#include "arch/address.hpp"
#include "arch/page_size.hpp"
#include "mmu/access.hpp"
#include "mmu/walk_refs.hpp"

namespace memvirt {

enum class WalkStatus : uint8_t {
  kOk,
  kPageFault,    // fault in the (only, or guest) dimension: error code in pf_error
  kNestedFault,  // EPT violation / nested page fault: faulting gPA in nested_gpa
};

struct WalkResult {
  WalkStatus status = WalkStatus::kOk;
  HostPhys page;                   // host-physical base of the translated page
  PageSize size = PageSize::k4K;   // size the TLB may cache: the smaller of both dimensions
  Permissions perm;                // combined over every level (and both dimensions)
  bool dirty = false;              // leaf dirty bit after the walk
  GuestPhys gpa;                   // 2D only: guest-physical address of the access
  PageSize guest_size = PageSize::k4K;  // page size in the guest (or only) dimension
  uint32_t pf_error = 0;           // kPageFault: x86 error code
  int fault_level = 0;             // level whose entry caused the fault
  GuestPhys nested_gpa;            // kNestedFault: the guest-physical address that faulted
  bool nested_in_guest_walk = false;  // kNestedFault: while reading a guest table (vs final gPA)
  // Agile walks: the guest levels walked in nested mode (0: all in the shadow part).
  int nested_guest_levels = 0;
  WalkRefs refs;
};

}  // namespace memvirt
