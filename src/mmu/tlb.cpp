#include "mmu/tlb.hpp"

#include <string>

namespace memvirt {

Tlb::Tlb(const TlbConfig& config) {
  for (int s = 0; s < kPageSizeCount; ++s) {
    const TlbGeometry g = config.geometry[static_cast<size_t>(s)];
    if (g.sets == 0 || g.ways == 0)
      throw std::invalid_argument(std::string("TLB for ") +
                                  std::string(page_size_name(static_cast<PageSize>(s))) +
                                  " pages needs at least one set and one way");
    auto& a = arrays_[static_cast<size_t>(s)];
    a.sets = g.sets;
    a.ways = g.ways;
    a.entries.assign(static_cast<size_t>(g.sets) * g.ways, TlbEntry{});
  }
}

void Tlb::insert(GuestVirt va, PageSize size, HostPhys page, TlbTag tag, Permissions perm,
                 bool global, bool dirty) {
  auto& a = arrays_[static_cast<size_t>(size)];
  const uint64_t vpn = va.raw() >> page_shift(size);
  TlbEntry* set = &a.entries[(vpn % a.sets) * a.ways];
  TlbEntry* victim = &set[0];
  for (uint32_t w = 0; w < a.ways; ++w) {
    TlbEntry& e = set[w];
    // Refill of the same translation (e.g. to record D) replaces it in place.
    if (e.valid && e.vpn == vpn && e.tag == tag) {
      victim = &e;
      break;
    }
    if (!e.valid) {
      if (victim->valid) victim = &e;
    } else if (victim->valid && e.last_use < victim->last_use) {
      victim = &e;
    }
  }
  if (victim->valid && !(victim->vpn == vpn && victim->tag == tag)) ++stats_.evictions;
  *victim = TlbEntry{vpn, page, tag, perm, size, global, dirty, true, ++clock_};
  ++stats_.fills;
}

template <typename Pred>
void Tlb::invalidate_if(Pred&& pred) {
  for (int s = 0; s < kPageSizeCount; ++s)
    for (auto& e : arrays_[static_cast<size_t>(s)].entries)
      if (e.valid && pred(e, static_cast<PageSize>(s))) {
        e.valid = false;
        ++stats_.invalidated;
      }
}

void Tlb::invalidate_all() {
  ++stats_.flushes;
  invalidate_if([](const TlbEntry&, PageSize) { return true; });
}

void Tlb::invalidate_asid(uint16_t asid) {
  ++stats_.flushes;
  invalidate_if([&](const TlbEntry& e, PageSize) { return e.tag.asid == asid; });
}

void Tlb::invalidate_non_global(TlbTag tag) {
  ++stats_.flushes;
  invalidate_if([&](const TlbEntry& e, PageSize) { return !e.global && e.tag == tag; });
}

void Tlb::invalidate_address(GuestVirt va, TlbTag tag) {
  invalidate_if([&](const TlbEntry& e, PageSize s) {
    return e.vpn == (va.raw() >> page_shift(s)) && e.tag.asid == tag.asid &&
           (e.global || e.tag.pcid == tag.pcid);
  });
}

size_t Tlb::valid_entries() const {
  size_t n = 0;
  for (const auto& a : arrays_)
    for (const auto& e : a.entries) n += e.valid;
  return n;
}

}  // namespace memvirt
