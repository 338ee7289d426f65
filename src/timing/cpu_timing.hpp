#pragma once
// One CPU's timing state: its data caches, paging-structure caches and nested TLB, and the
// ledger its cycles go to. The MMU owns one when the timing model is on; components charge
// through it what they cause.
#include <cstdint>
#include <optional>

#include "arch/address.hpp"
#include "timing/cpu_model.hpp"
#include "timing/data_caches.hpp"
#include "timing/ledger.hpp"
#include "timing/nested_tlb.hpp"
#include "timing/paging_structure_cache.hpp"

namespace memvirt {

// Events with a fixed cost per preset, charged where they are counted.
enum class CostEvent : uint8_t { kVmExit, kHypercall, kGuestPageFault, kShadowFault, kShadowSync };

class CpuTiming {
 public:
  explicit CpuTiming(const CpuModel& model);

  void tlb_hit(int level) {
    ledger_.add(CycleCategory::kTlbHit, level <= 1 ? model_.tlb_l1_hit : model_.tlb_l2_hit);
  }
  // The access's own load from a frame of size `frame` (the TLB entry's).
  void data(HostPhys hpa, PageSize frame) {
    ledger_.add(CycleCategory::kData, caches_.load({hpa, now(), frame, true}));
  }
  // A second-level TLB miss: the lookup that missed, then the walker starting.
  void walk_started() {
    ledger_.add(CycleCategory::kGuestWalk, model_.tlb_l2_hit + model_.walk_start);
  }
  // Lets the simulator's own misses on the cache sets of a reference about to be charged overlap
  // those of the others (no simulated effect).
  void prefetch(HostPhys entry) const { caches_.prefetch_sets(entry); }
  // One page-table reference, served by the data caches like a load.
  void walk_ref(HostPhys entry, bool nested) {
    ledger_.add(nested ? CycleCategory::kNestedWalk : CycleCategory::kGuestWalk,
                caches_.load({entry, now(), PageSize::k4K, false}));
  }
  void charge(CostEvent e, uint64_t count = 1);

  PagingStructureCache& psc() { return psc_; }
  const PagingStructureCache& psc() const { return psc_; }
  PagingStructureCache& nested_psc() { return nested_psc_; }
  const PagingStructureCache& nested_psc() const { return nested_psc_; }
  NestedTlb* nested_tlb() { return nested_tlb_ ? &*nested_tlb_ : nullptr; }
  const NestedTlb* nested_tlb() const { return nested_tlb_ ? &*nested_tlb_ : nullptr; }
  // Drops the caches of upper-level entries (the TLB was invalidated; `context`: a whole
  // VM's or every context, which also drops nested-dimension state).
  void flush_walk_caches(bool context);

  const CycleLedger& ledger() const { return ledger_; }
  const CpuModel& model() const { return model_; }
  const DataCaches& caches() const { return caches_; }

 private:
  // The cycle this CPU has reached: what prefetch arrivals and the memory channel are timed by.
  uint64_t now() const { return ledger_.total(); }

  CpuModel model_;
  DataCaches caches_;
  PagingStructureCache psc_;
  PagingStructureCache nested_psc_;
  std::optional<NestedTlb> nested_tlb_;
  CycleLedger ledger_;
};

}  // namespace memvirt
