#pragma once
// Translation lookaside buffer: per page size a first-level array and an optional second level,
// each one SetAssoc; entries tagged by {ASID/VPID, PCID, global}. A walk fills both levels; a
// second-level hit is copied into the first. The lookup is inline and allocation-free: it is the
// hot path.
#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <vector>

#include "arch/address.hpp"
#include "arch/counter_list.hpp"
#include "arch/page_size.hpp"
#include "mmu/access.hpp"
#include "timing/cpu_model.hpp"
#include "timing/set_assoc.hpp"

namespace memvirt {

struct TlbGeometry {
  uint32_t sets = 1;
  uint32_t ways = 1;
};

struct TlbConfig {
  // Defaults near a second-level data TLB of a current x86 core.
  std::array<TlbGeometry, kPageSizeCount> geometry = {TlbGeometry{128, 12}, TlbGeometry{32, 8},
                                                      TlbGeometry{4, 4}};
  // Second level per page size; zero ways: none for that size (the default: one level).
  std::array<TlbGeometry, kPageSizeCount> l2 = {TlbGeometry{0, 0}, TlbGeometry{0, 0},
                                                TlbGeometry{0, 0}};
  ReplacementKind replacement = ReplacementKind::kLru;
};

// Whose translations an entry holds: the VM / vCPU (ASID or VPID; 0 = host) and the process
// (PCID; 0 when untagged).
struct TlbTag {
  uint16_t asid = 0;
  uint16_t pcid = 0;
  bool operator==(const TlbTag&) const = default;
};

struct TlbEntry {
  uint64_t vpn = 0;    // virtual page number at this entry's page size
  HostPhys page;       // host-physical page base
  TlbTag tag;
  Permissions perm;
  PageSize size = PageSize::k4K;
  bool global = false;
  bool dirty = false;  // a write through a clean entry must walk again to set D
};

struct TlbStats {
  uint64_t fills = 0;
  uint64_t evictions = 0;        // first-level entries displaced by a fill
  uint64_t l2_hits = 0;          // lookups the second level answered
  uint64_t flushes = 0;          // whole-TLB or by-tag invalidations
  uint64_t invalidated = 0;      // entries dropped by any invalidation (both levels)
};

constexpr auto counter_list(const TlbStats*) {
  using C = Counter<TlbStats>;
  constexpr auto k = CounterKind::kCount;
  return std::array{
      C{"fills", k, "entries", "translations written into the TLB after a walk", &TlbStats::fills},
      C{"evictions", k, "entries", "first-level entries displaced by a fill or a second-level hit",
        &TlbStats::evictions},
      C{"l2_hits", k, "lookups", "lookups the second level answered", &TlbStats::l2_hits},
      C{"flushes", k, "flushes", "whole-TLB or by-tag invalidations", &TlbStats::flushes},
      C{"invalidated", k, "entries", "entries dropped by any invalidation (both levels)",
        &TlbStats::invalidated},
  };
}

// The TLB arrays a CPU model names.
TlbConfig tlb_config_for(const TlbShape& shape);

class Tlb {
 public:
  explicit Tlb(const TlbConfig& config = {});

  // Entry translating `va` for `tag`, or nullptr. last_hit_level() says which level answered.
  const TlbEntry* lookup(GuestVirt va, TlbTag tag) {
    // The entry that answered last, asked again: the answer and the replacement state are what
    // a full lookup would give (it is its set's most recently used entry already).
    if (mru_ && mru_tag_ == tag && (va.raw() >> mru_shift_) == mru_->vpn) {
      last_level_ = 1;
      return mru_;
    }
    if (TlbEntry* e = find(l1_, va, tag)) {
      remember(e, tag);
      last_level_ = 1;
      return e;
    }
    if (has_l2_) return lookup_l2(va, tag);
    return nullptr;
  }
  int last_hit_level() const { return last_level_; }

  void insert(GuestVirt va, PageSize size, HostPhys page, TlbTag tag, Permissions perm,
              bool global, bool dirty);

  void invalidate_all();
  // Every entry of one VM / vCPU, global ones included (INVVPID single-context).
  void invalidate_asid(uint16_t asid);
  // Non-global entries of one process (a CR3 write without PCID, or INVPCID single-context).
  void invalidate_non_global(TlbTag tag);
  // Entries of every size covering `va` for `tag`, global ones included (INVLPG).
  void invalidate_address(GuestVirt va, TlbTag tag);

  // First-level entries held (the second level holds copies and more).
  size_t valid_entries() const;
  const TlbStats& stats() const { return stats_; }
  // Count every invalidation / every whole-context one, so that the caches of upper-level
  // entries beside the TLB (timing/) can drop theirs whenever the TLB is told to.
  uint64_t epoch() const { return epoch_; }
  uint64_t context_epoch() const { return context_epoch_; }

 private:
  using Array = SetAssoc<TlbEntry>;
  using Level = std::vector<Array>;  // one array per page size

  static TlbEntry* find(Level& level, GuestVirt va, TlbTag tag) {
    for (size_t s = 0; s < level.size(); ++s) {
      const uint64_t vpn = va.raw() >> page_shift(static_cast<PageSize>(s));
      Array& a = level[s];
      if (TlbEntry* e = a.find(a.set_of(vpn), vpn, [&](const TlbEntry& x) {
            return x.tag.asid == tag.asid && (x.global || x.tag.pcid == tag.pcid);
          }))
        return e;
    }
    return nullptr;
  }
  const TlbEntry* lookup_l2(GuestVirt va, TlbTag tag);
  void remember(TlbEntry* e, TlbTag tag) {
    mru_ = e;
    mru_tag_ = tag;
    mru_shift_ = page_shift(e->size);
  }
  // Any fill or invalidation may displace or drop the remembered entry.
  void forget() { mru_ = nullptr; }
  static bool fill(Level& level, const TlbEntry& e);
  template <typename Pred>
  void invalidate_if(Pred&& pred);

  Level l1_;
  Level l2_;  // empty arrays stand for sizes without a second level
  std::array<bool, kPageSizeCount> l2_present_{};
  bool has_l2_ = false;
  int last_level_ = 0;
  TlbEntry* mru_ = nullptr;  // the first-level entry the last lookup returned
  TlbTag mru_tag_;
  unsigned mru_shift_ = 0;
  uint64_t epoch_ = 0;
  uint64_t context_epoch_ = 0;
  TlbStats stats_;
};

}  // namespace memvirt
