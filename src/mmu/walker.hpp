#pragma once
// Page walkers over real entries in host memory: one loop over levels each.
#include <cstdint>
#include <functional>
#include <optional>

#include "arch/address.hpp"
#include "memory/host_memory.hpp"
#include "mmu/access.hpp"
#include "mmu/walk_result.hpp"

namespace memvirt {

struct WalkRequest {
  uint64_t va = 0;  // linear address (guest-virtual, or host-virtual without a hypervisor)
  AccessType type = AccessType::kRead;
  bool user = true;        // CPL 3
  bool update_ad = true;   // set accessed/dirty bits as the hardware does
};

// One dimension: IA-32e tables rooted at the host-physical `root` (native CR3, or a shadow root).
WalkResult walk_1d(HostMemory& mem, HostPhys root, int levels, const WalkRequest& req);

// Two dimensions: guest IA-32e tables rooted at guest-physical `guest_root`, every guest-physical
// address (each guest table entry, then the final one) translated through the EPT at `ept_root`.
WalkResult walk_2d(HostMemory& mem, GuestPhys guest_root, int levels, HostPhys ept_root,
                   int ept_levels, const WalkRequest& req);

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
                              AccessType type, bool update_ad, WalkRefs& refs);

}  // namespace memvirt
