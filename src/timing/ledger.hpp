#pragma once
// The cycle ledger: every component charges the cycles it causes to one category; the total is
// the sum of the categories, by construction. TLB-flush refills are not a category of their
// own: the walks that refill are charged to guest_walk / nested_walk like any other walk.
#include <array>
#include <cstdint>
#include <numeric>
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

struct CycleLedger {
  std::array<uint64_t, kCycleCategoryCount> by_category{};

  void add(CycleCategory c, uint64_t cycles) { by_category[static_cast<size_t>(c)] += cycles; }
  uint64_t operator[](CycleCategory c) const { return by_category[static_cast<size_t>(c)]; }
  uint64_t total() const {
    return std::accumulate(by_category.begin(), by_category.end(), uint64_t{0});
  }
  CycleLedger& operator+=(const CycleLedger& o) {
    for (size_t i = 0; i < by_category.size(); ++i) by_category[i] += o.by_category[i];
    return *this;
  }
  CycleLedger& operator-=(const CycleLedger& o) {
    for (size_t i = 0; i < by_category.size(); ++i) by_category[i] -= o.by_category[i];
    return *this;
  }
};

}  // namespace memvirt
