#include "mmu/tlb.hpp"

#include <string>

namespace memvirt {
namespace {

SetAssocGeometry geometry(TlbGeometry g, ReplacementKind r) { return {g.sets, g.ways, r}; }

std::string size_name(size_t s) { return std::string(page_size_name(static_cast<PageSize>(s))); }

}  // namespace

TlbConfig tlb_config_for(const TlbShape& shape) {
  TlbConfig c;
  for (size_t s = 0; s < kPageSizeCount; ++s) {
    c.geometry[s] = {shape.l1[s].sets, shape.l1[s].ways};
    c.l2[s] = {shape.l2[s].sets, shape.l2[s].ways};
  }
  c.replacement = shape.replacement;
  return c;
}

Tlb::Tlb(const TlbConfig& config) {
  for (size_t s = 0; s < kPageSizeCount; ++s) {
    l1_.emplace_back(geometry(config.geometry[s], config.replacement),
                     "TLB for " + size_name(s) + " pages");
    // A size without a second level gets a one-entry stand-in that is never filled.
    l2_present_[s] = config.l2[s].ways > 0;
    has_l2_ |= l2_present_[s];
    const TlbGeometry g2 = l2_present_[s] ? config.l2[s] : TlbGeometry{1, 1};
    l2_.emplace_back(geometry(g2, config.replacement), "L2 TLB for " + size_name(s) + " pages");
  }
}

const TlbEntry* Tlb::lookup_l2(GuestVirt va, TlbTag tag) {
  const TlbEntry* e = find(l2_, va, tag);
  if (!e) return nullptr;
  ++stats_.l2_hits;
  last_level_ = 2;
  const TlbEntry copy = *e;
  forget();
  if (fill(l1_, copy)) ++stats_.evictions;
  TlbEntry* hit = find(l1_, va, tag);
  if (hit) remember(hit, tag);
  return hit;
}

// Writes `e` into its page size's array of `level`; true if it displaced another translation.
bool Tlb::fill(Level& level, const TlbEntry& e) {
  Array& a = level[static_cast<size_t>(e.size)];
  bool evicted = false;
  // Refill of the same translation (e.g. to record D) replaces it in place.
  TlbEntry& slot =
      a.slot(a.set_of(e.vpn), e.vpn, [&](const TlbEntry& x) { return x.tag == e.tag; }, evicted);
  slot = e;
  return evicted;
}

void Tlb::insert(GuestVirt va, PageSize size, HostPhys page, TlbTag tag, Permissions perm,
                 bool global, bool dirty) {
  const TlbEntry e{va.raw() >> page_shift(size), page, tag, perm, size, global, dirty};
  forget();
  if (fill(l1_, e)) ++stats_.evictions;
  if (l2_present_[static_cast<size_t>(size)]) fill(l2_, e);
  ++stats_.fills;
}

template <typename Pred>
void Tlb::invalidate_if(Pred&& pred) {
  ++epoch_;
  forget();
  for (Level* level : {&l1_, &l2_})
    for (size_t s = 0; s < kPageSizeCount; ++s)
      stats_.invalidated += (*level)[s].invalidate_if(
          [&](const TlbEntry& e) { return pred(e, static_cast<PageSize>(s)); });
}

void Tlb::invalidate_all() {
  ++stats_.flushes;
  ++context_epoch_;
  invalidate_if([](const TlbEntry&, PageSize) { return true; });
}

void Tlb::invalidate_asid(uint16_t asid) {
  ++stats_.flushes;
  ++context_epoch_;
  invalidate_if([&](const TlbEntry& e, PageSize) { return e.tag.asid == asid; });
}

void Tlb::invalidate_non_global(TlbTag tag) {
  ++stats_.flushes;
  invalidate_if([&](const TlbEntry& e, PageSize) { return !e.global && e.tag == tag; });
}

// An entry for `va` can only sit in the set its page number selects: one set per array.
void Tlb::invalidate_address(GuestVirt va, TlbTag tag) {
  ++epoch_;
  forget();
  for (Level* level : {&l1_, &l2_})
    for (size_t s = 0; s < kPageSizeCount; ++s) {
      const uint64_t vpn = va.raw() >> page_shift(static_cast<PageSize>(s));
      Array& a = (*level)[s];
      stats_.invalidated += a.invalidate_in(a.set_of(vpn), [&](const TlbEntry& e) {
        return e.vpn == vpn && e.tag.asid == tag.asid && (e.global || e.tag.pcid == tag.pcid);
      });
    }
}

size_t Tlb::valid_entries() const {
  size_t n = 0;
  for (const Array& a : l1_) n += a.occupied();
  return n;
}

}  // namespace memvirt
