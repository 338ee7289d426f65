#pragma once
// The hardware translation unit: every access consults the TLB; a miss walks the tables the
// current mode points at (one dimension, or guest x nested) and fills the TLB.
#include <cstdint>
#include <memory>

#include "arch/address.hpp"
#include "arch/counter_list.hpp"
#include "memory/host_memory.hpp"
#include "mmu/access.hpp"
#include "mmu/tlb.hpp"
#include "mmu/walk_result.hpp"
#include "mmu/walker.hpp"
#include "timing/cpu_timing.hpp"

namespace memvirt {

// One dimension (native CR3 or a shadow root); guest x EPT; guest x a flat nested table.
enum class TranslationMode : uint8_t { kOneDimension, kTwoDimensions, kFlatNested, kAgile };

// What CR3 (and, under nested paging, the EPT pointer and VPID) point the hardware at.
struct MmuState {
  TranslationMode mode = TranslationMode::kOneDimension;
  HostPhys root;        // 1D: native CR3 or shadow root; agile: the agile table
  GuestPhys guest_root;  // 2D: guest CR3
  HostPhys ept_root;     // 2D: EPT pointer
  const FlatTable* flat = nullptr;  // flat nested: the VMM's table, read from its base
  int levels = 4;
  int ept_levels = 4;
  TlbTag tag;
};

struct MmuStats {
  uint64_t translations = 0;  // every attempt, retries after a fault included
  uint64_t tlb_hits = 0;
  uint64_t tlb_misses = 0;    // accesses whose first lookup missed, so walked
  uint64_t retries = 0;       // translations after a fault, until the access translated
  uint64_t walks = 0;
  uint64_t faulting_walks = 0;
  uint64_t guest_refs = 0;    // page-table references in the guest (or only) dimension
  uint64_t nested_refs = 0;   // references to nested (EPT/NPT) tables
  // Agile walks that took the lowest 1, 2, 3 or 4 guest levels in nested mode.
  uint64_t agile_nested_1 = 0;
  uint64_t agile_nested_2 = 0;
  uint64_t agile_nested_3 = 0;
  uint64_t agile_nested_4 = 0;
};

constexpr auto counter_list(const MmuStats*) {
  using C = Counter<MmuStats>;
  constexpr auto k = CounterKind::kCount;
  return std::array{
      C{"translations", k, "translations", "every attempt, retries after a fault included",
        &MmuStats::translations},
      C{"tlb_hits", k, "accesses", "accesses whose first TLB lookup hit", &MmuStats::tlb_hits},
      C{"tlb_misses", k, "accesses", "accesses whose first TLB lookup missed, so walked",
        &MmuStats::tlb_misses},
      C{"retries", k, "translations", "translations after a fault, until the access translated",
        &MmuStats::retries},
      C{"walks", k, "walks", "every walk, retries included", &MmuStats::walks},
      C{"faulting_walks", k, "walks", "walks that ended in a fault", &MmuStats::faulting_walks},
      C{"guest_refs", k, "references", "page-table references in the guest (or only) dimension",
        &MmuStats::guest_refs},
      C{"nested_refs", k, "references", "references to nested (EPT/NPT) tables",
        &MmuStats::nested_refs},
      C{"agile_nested_1", k, "walks", "agile walks with the lowest guest level nested",
        &MmuStats::agile_nested_1},
      C{"agile_nested_2", k, "walks", "agile walks with the lowest 2 guest levels nested",
        &MmuStats::agile_nested_2},
      C{"agile_nested_3", k, "walks", "agile walks with the lowest 3 guest levels nested",
        &MmuStats::agile_nested_3},
      C{"agile_nested_4", k, "walks", "agile walks with all 4 guest levels nested",
        &MmuStats::agile_nested_4},
  };
}

class Mmu {
 public:
  // With a CPU model the MMU keeps time: caches beside the TLB, data caches and a ledger.
  Mmu(HostMemory& mem, const TlbConfig& tlb, const CpuModel* cpu = nullptr)
      : mem_(mem), tlb_(tlb), timing_(cpu ? std::make_unique<CpuTiming>(*cpu) : nullptr) {}

  void load(const MmuState& state) { state_ = state; }
  const MmuState& state() const { return state_; }
  Tlb& tlb() { return tlb_; }
  const Tlb& tlb() const { return tlb_; }
  const MmuStats& stats() const { return stats_; }
  // Null when the timing model is off.
  CpuTiming* timing() { return timing_.get(); }
  const CpuTiming* timing() const { return timing_.get(); }
  // The access's own load, once translated: charged to the ledger, if there is one.
  void load_data(HostPhys hpa) {
    if (timing_) timing_->data(hpa, frame_);
  }

  // True with the host-physical address in `hpa` if the TLB holds the translation; false (and
  // nothing counted) if translate() has to walk.
  bool translate_hit(GuestVirt va, AccessType type, HostPhys& hpa) {
    if (!lookup(va, type, hpa)) return false;
    ++stats_.tlb_hits;
    return true;
  }

  // True with the host-physical address in `hpa`; false with the faulting walk in `fault`.
  bool translate(GuestVirt va, AccessType type, HostPhys& hpa, WalkResult& fault) {
    return translate_hit(va, type, hpa) || translate_miss(va, type, hpa, fault);
  }
  // What translate() does once translate_hit() said no: the walk.
  bool translate_miss(GuestVirt va, AccessType type, HostPhys& hpa, WalkResult& fault) {
    ++stats_.translations;
    ++stats_.tlb_misses;
    return walk(va, type, hpa, fault);
  }
  // The same access translated again after its fault was handled: a retry, neither a hit nor a
  // miss of its own, so that misses count accesses.
  bool retranslate(GuestVirt va, AccessType type, HostPhys& hpa, WalkResult& fault) {
    ++stats_.retries;
    if (lookup(va, type, hpa)) return true;
    ++stats_.translations;
    return walk(va, type, hpa, fault);
  }

 private:
  // The TLB's answer, with its time charged.
  bool lookup(GuestVirt va, AccessType type, HostPhys& hpa) {
    const TlbEntry* e = tlb_.lookup(va, state_.tag);
    // A write through a clean entry walks again so that the dirty bit gets set.
    if (!e || !allows(e->perm, type, true) || (type == AccessType::kWrite && !e->dirty))
      return false;
    ++stats_.translations;
    if (timing_) timing_->tlb_hit(tlb_.last_hit_level());
    hpa = e->page + va.offset_in(page_bytes(e->size));
    frame_ = e->size;
    return true;
  }

  bool walk(GuestVirt va, AccessType type, HostPhys& hpa, WalkResult& fault);
  // The walk of the tables the current mode points at.
  WalkResult walk_tables(const WalkRequest& req, const WalkCaches* caches);
  WalkResult timed_walk(const WalkRequest& req);

  HostMemory& mem_;
  Tlb tlb_;
  MmuState state_;
  MmuStats stats_;
  std::unique_ptr<CpuTiming> timing_;
  PageSize frame_ = PageSize::k4K;  // the last translation's contiguous size, for load_data()
  uint64_t seen_epoch_ = 0;
  uint64_t seen_context_epoch_ = 0;
};

}  // namespace memvirt
