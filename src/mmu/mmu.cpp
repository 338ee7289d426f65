#include "mmu/mmu.hpp"

#include <algorithm>
#include <array>

#include "mmu/walker.hpp"

namespace memvirt {

WalkResult Mmu::walk_tables(const WalkRequest& req, const WalkCaches* caches) {
  switch (state_.mode) {
    case TranslationMode::kOneDimension:
      return walk_1d(mem_, state_.root, state_.levels, req, caches);
    case TranslationMode::kTwoDimensions:
      return walk_2d(mem_, state_.guest_root, state_.levels, state_.ept_root, state_.ept_levels,
                     req, caches);
    case TranslationMode::kFlatNested:
      return walk_2d_flat(mem_, state_.guest_root, state_.levels, *state_.flat, req, caches);
    case TranslationMode::kAgile:
      return walk_agile(mem_, AgileRoot{state_.root, false}, state_.levels, state_.ept_root,
                        state_.ept_levels, req, caches);
  }
  return {};
}

// A walk with the caches beside the TLB, each reference it made charged to the ledger. The
// caches of upper-level entries drop theirs whenever the TLB was invalidated since the last walk.
WalkResult Mmu::timed_walk(const WalkRequest& req) {
  if (tlb_.epoch() != seen_epoch_ || tlb_.context_epoch() != seen_context_epoch_) {
    timing_->flush_walk_caches(tlb_.context_epoch() != seen_context_epoch_);
    seen_epoch_ = tlb_.epoch();
    seen_context_epoch_ = tlb_.context_epoch();
  }
  const WalkCaches caches{&timing_->psc(), &timing_->nested_psc(), timing_->nested_tlb(),
                          uint32_t{state_.tag.asid} << 16 | state_.tag.pcid};
  WalkResult w = walk_tables(req, &caches);
  timing_->walk_started();
  for (const WalkRef& r : w.refs) timing_->prefetch(r.entry);
  for (const WalkRef& r : w.refs) timing_->walk_ref(r.entry, r.dim == Dimension::kNested);
  return w;
}

bool Mmu::walk(GuestVirt va, AccessType type, HostPhys& hpa, WalkResult& fault) {
  ++stats_.walks;
  const WalkRequest req{va.raw(), type, true, true};
  WalkResult w = timing_ ? timed_walk(req) : walk_tables(req, nullptr);
  stats_.guest_refs += static_cast<uint64_t>(w.refs.count(Dimension::kGuest));
  stats_.nested_refs += static_cast<uint64_t>(w.refs.count(Dimension::kNested));
  if (w.status != WalkStatus::kOk) {
    ++stats_.faulting_walks;
    // A fault drops whatever the TLB held for the address (Intel SDM vol. 3, 4.10.4.1).
    tlb_.invalidate_address(va, state_.tag);
    fault = w;
    return false;
  }
  if (w.nested_guest_levels > 0) {
    constexpr std::array<uint64_t MmuStats::*, 5> kByLevels = {
        nullptr, &MmuStats::agile_nested_1, &MmuStats::agile_nested_2, &MmuStats::agile_nested_3,
        &MmuStats::agile_nested_4};
    ++(stats_.*kByLevels[static_cast<size_t>(std::min(w.nested_guest_levels, 4))]);
  }
  tlb_.insert(va, w.size, w.page, state_.tag, w.perm, false, w.dirty);
  hpa = w.page + va.offset_in(page_bytes(w.size));
  frame_ = w.size;
  return true;
}

}  // namespace memvirt
