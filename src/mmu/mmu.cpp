#include "mmu/mmu.hpp"

#include "mmu/walker.hpp"

namespace memvirt {

bool Mmu::walk(GuestVirt va, AccessType type, HostPhys& hpa, WalkResult& fault) {
  ++stats_.walks;
  const WalkRequest req{va.raw(), type, true, true};
  WalkResult w = state_.mode == TranslationMode::kOneDimension
                     ? walk_1d(mem_, state_.root, state_.levels, req)
                     : walk_2d(mem_, state_.guest_root, state_.levels, state_.ept_root,
                               state_.ept_levels, req);
  stats_.guest_refs += static_cast<uint64_t>(w.refs.count(Dimension::kGuest));
  stats_.nested_refs += static_cast<uint64_t>(w.refs.count(Dimension::kNested));
  if (w.status != WalkStatus::kOk) {
    ++stats_.faulting_walks;
    // A fault drops whatever the TLB held for the address (Intel SDM vol. 3, 4.10.4.1).
    tlb_.invalidate_address(va, state_.tag);
    fault = w;
    return false;
  }
  tlb_.insert(va, w.size, w.page, state_.tag, w.perm, false, w.dirty);
  hpa = w.page + va.offset_in(page_bytes(w.size));
  return true;
}

}  // namespace memvirt
