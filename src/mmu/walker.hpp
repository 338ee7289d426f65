#pragma once
// Page walkers over real entries in host memory: one loop over levels each.
#include <cstdint>
#include <functional>
#include <optional>

#include "arch/address.hpp"
#include "memory/host_memory.hpp"
#include "mmu/access.hpp"
#include "mmu/flat_table.hpp"
#include "mmu/walk_result.hpp"
#include "timing/nested_tlb.hpp"
#include "timing/paging_structure_cache.hpp"

namespace memvirt {

struct WalkRequest {
  uint64_t va = 0;  // linear address (guest-virtual, or host-virtual without a hypervisor)
  AccessType type = AccessType::kRead;
  bool user = true;        // CPL 3
  bool update_ad = true;   // set accessed/dirty bits as the hardware does
};

// What the hardware caches beside the TLB, letting a walk skip references (the timing model);
// any of them may be absent. The refs of a walk list only the references actually made.
struct WalkCaches {
  PagingStructureCache* guest = nullptr;   // guest (or only) dimension, keyed by linear address
  PagingStructureCache* nested = nullptr;  // nested dimension, keyed by guest-physical address
  NestedTlb* nested_tlb = nullptr;         // gPA -> hPA of guest table pages
  uint32_t tag = 0;                        // ASID/VPID and PCID of the walking context
};

// One dimension: IA-32e tables rooted at the host-physical `root` (native CR3, or a shadow root).
WalkResult walk_1d(HostMemory& mem, HostPhys root, int levels, const WalkRequest& req,
                   const WalkCaches* caches = nullptr);

// Two dimensions: guest IA-32e tables rooted at guest-physical `guest_root`, every guest-physical
// address (each guest table entry, then the final one) translated through the EPT at `ept_root`.
WalkResult walk_2d(HostMemory& mem, GuestPhys guest_root, int levels, HostPhys ept_root,
                   int ept_levels, const WalkRequest& req, const WalkCaches* caches = nullptr);

// Where an agile walk starts: the agile table's root, or, switched at the root, the guest's root
// table by its host address.
struct AgileRoot {
  HostPhys table;
  bool guest = false;
};

// Agile paging (Gandhi, Hill and Swift, ISCA 2016): the walk starts in the VMM's agile table, a
// shadow table whose entries may carry the switch bit (Pte::kSwitch). Above the switch it reads
// shadow entries (host-physical); the switching entry holds the host address of the guest's own
// table one level down, and from there the walk is two-dimensional: guest entries, each next
// guest table and the final address translated through the EPT. With the lowest k of 4 guest
// levels nested a walk makes 4 + 4k references (4, 8, 12, 16, 20). `nested_guest_levels` says k.
// The guest-dimension paging-structure cache is not consulted.
WalkResult walk_agile(HostMemory& mem, const AgileRoot& root, int levels, HostPhys ept_root,
                      int ept_levels, const WalkRequest& req, const WalkCaches* caches = nullptr);

// Two dimensions with a flat nested table: as walk_2d, each guest-physical address translated by
// the one entry of `flat` for its frame.
WalkResult walk_2d_flat(HostMemory& mem, GuestPhys guest_root, int levels, const FlatTable& flat,
                        const WalkRequest& req, const WalkCaches* caches = nullptr);

// Guest tables read in software by a VMM: every guest-physical address is located by `locate`;
// where it returns nothing the walk stops with kNestedFault at that address.
using GuestLocator = std::function<std::optional<HostPhys>(GuestPhys)>;
WalkResult walk_guest_tables(HostMemory& mem, GuestPhys guest_root, int levels,
                             const WalkRequest& req, const GuestLocator& locate);

// Nested dimension alone: gPA -> hPA through the EPT. Appends its references to `refs`.
struct NestedTranslation {
  bool ok = false;
  HostPhys hpa;
  PageSize size = PageSize::k4K;
  Permissions perm;  // writable / executable from EPT W / X (user is always true)
};
NestedTranslation walk_nested(HostMemory& mem, HostPhys ept_root, int ept_levels, GuestPhys gpa,
                              AccessType type, bool update_ad, WalkRefs& refs,
                              PagingStructureCache* psc = nullptr);
// The same through a flat table: one reference, a 4 KiB translation.
NestedTranslation flat_nested(HostMemory& mem, const FlatTable& flat, GuestPhys gpa,
                              AccessType type, bool update_ad, WalkRefs& refs);

}  // namespace memvirt
