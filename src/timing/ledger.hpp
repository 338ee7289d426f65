#pragma once
// The cycle ledger: every component charges the cycles it causes to one category; the total is
// the sum of the categories, by construction. TLB-flush refills are not a category of their
// own: the walks that refill are charged to guest_walk / nested_walk like any other walk.
#include <array>
#include <cstdint>
#include <string_view>

namespace memvirt {

enum class CycleCategory : uint8_t {
  kData,            // the access's own load, served by L1D, L2, LLC or memory
  kTlbHit,          // translations the TLB answered (first or second level)
  kGuestWalk,       // walk start and references to guest (or the only) page tables
  kNestedWalk,      // references to nested (EPT/NPT) tables
  kVmExit,          // VM exit + entry round trips, whatever the reason
  kHypercall,       // paravirtual calls' work in the VMM
  kShadow,          // shadow faults and out-of-sync shadow page syncs, in the VMM
  kGuestPageFault,  // the guest kernel's #PF handler
};
inline constexpr int kCycleCategoryCount = 8;

constexpr std::string_view cycle_category_name(CycleCategory c) {
  constexpr std::array<std::string_view, kCycleCategoryCount> names = {
      "data",     "tlb_hit",   "guest_walk", "nested_walk",
      "vm_exit",  "hypercall", "shadow",     "guest_page_fault"};
  return names[static_cast<size_t>(c)];
}

// The total is kept beside the categories, because the timing model reads it on every load.
class CycleLedger {
 public:
  void add(CycleCategory c, uint64_t cycles) {
    by_category_[static_cast<size_t>(c)] += cycles;
    total_ += cycles;
  }
  uint64_t operator[](CycleCategory c) const { return by_category_[static_cast<size_t>(c)]; }
  const std::array<uint64_t, kCycleCategoryCount>& categories() const { return by_category_; }
  uint64_t total() const { return total_; }
  CycleLedger& operator+=(const CycleLedger& o) {
    for (size_t i = 0; i < by_category_.size(); ++i) by_category_[i] += o.by_category_[i];
    total_ += o.total_;
    return *this;
  }
  CycleLedger& operator-=(const CycleLedger& o) {
    for (size_t i = 0; i < by_category_.size(); ++i) by_category_[i] -= o.by_category_[i];
    total_ -= o.total_;
    return *this;
  }

 private:
  std::array<uint64_t, kCycleCategoryCount> by_category_{};
  uint64_t total_ = 0;
};

}  // namespace memvirt
