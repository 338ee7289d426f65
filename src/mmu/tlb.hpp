#pragma once
// Translation lookaside buffer: one set-associative LRU array per page size, entries tagged by
// {ASID/VPID, PCID, global}. The lookup is inline and allocation-free: it is the hot path.
#include <array>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "arch/address.hpp"
#include "arch/page_size.hpp"
#include "mmu/access.hpp"

namespace memvirt {

struct TlbGeometry {
  uint32_t sets = 1;
  uint32_t ways = 1;
};

struct TlbConfig {
  // Defaults near a second-level data TLB of a current x86 core.
  std::array<TlbGeometry, kPageSizeCount> geometry = {TlbGeometry{128, 12}, TlbGeometry{32, 8},
                                                      TlbGeometry{4, 4}};
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
  bool valid = false;
  uint64_t last_use = 0;
};

struct TlbStats {
  uint64_t fills = 0;
  uint64_t evictions = 0;
  uint64_t flushes = 0;          // whole-TLB or by-tag invalidations
  uint64_t invalidated = 0;      // entries dropped by any invalidation
};

class Tlb {
 public:
  explicit Tlb(const TlbConfig& config = {});

  // Entry translating `va` for `tag`, or nullptr.
  const TlbEntry* lookup(GuestVirt va, TlbTag tag) {
    for (int s = 0; s < kPageSizeCount; ++s) {
      const auto size = static_cast<PageSize>(s);
      const uint64_t vpn = va.raw() >> page_shift(size);
      auto& a = arrays_[static_cast<size_t>(s)];
      TlbEntry* set = &a.entries[(vpn % a.sets) * a.ways];
      for (uint32_t w = 0; w < a.ways; ++w) {
        TlbEntry& e = set[w];
        if (e.valid && e.vpn == vpn && e.tag.asid == tag.asid && (e.global || e.tag.pcid == tag.pcid)) {
          e.last_use = ++clock_;
          return &e;
        }
      }
    }
    return nullptr;
  }

  void insert(GuestVirt va, PageSize size, HostPhys page, TlbTag tag, Permissions perm,
              bool global, bool dirty);

  void invalidate_all();
  // Every entry of one VM / vCPU, global ones included (INVVPID single-context).
  void invalidate_asid(uint16_t asid);
  // Non-global entries of one process (a CR3 write without PCID, or INVPCID single-context).
  void invalidate_non_global(TlbTag tag);
  // Entries of every size covering `va` for `tag`, global ones included (INVLPG).
  void invalidate_address(GuestVirt va, TlbTag tag);

  size_t valid_entries() const;
  const TlbStats& stats() const { return stats_; }

 private:
  struct Array {
    uint32_t sets = 0;
    uint32_t ways = 0;
    std::vector<TlbEntry> entries;
  };
  template <typename Pred>
  void invalidate_if(Pred&& pred);

  std::array<Array, kPageSizeCount> arrays_;
  uint64_t clock_ = 0;
  TlbStats stats_;
};

}  // namespace memvirt
