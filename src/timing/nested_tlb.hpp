#pragma once
// The nested TLB (AMD): gPA -> hPA translations of the guest page-table pages a 2D walk touched,
// so a later walk reads a guest table it has seen before without a nested walk.
#include <cstdint>
#include <optional>

#include "arch/address.hpp"
#include "arch/counter_list.hpp"
#include "timing/set_assoc.hpp"

namespace memvirt {

struct NestedTlbStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
};

constexpr auto counter_list(const NestedTlbStats*) {
  using C = Counter<NestedTlbStats>;
  constexpr auto k = CounterKind::kCount;
  return std::array{
      C{"hits", k, "lookups", "guest table pages found without a nested walk", &NestedTlbStats::hits},
      C{"misses", k, "lookups", "guest table pages that needed a nested walk", &NestedTlbStats::misses},
  };
}

class NestedTlb {
 public:
  NestedTlb(const SetAssocGeometry& g) : array_(g, "nested TLB") {}

  // Host-physical address of `gpa` if its 4 KiB page is cached for the nested tree at `root`.
  std::optional<HostPhys> lookup(uint64_t root, GuestPhys gpa) {
    const uint64_t page = gpa.raw() >> 12;
    const Entry* e =
        array_.find(array_.set_of(page), page, [&](const Entry& x) { return x.root == root; });
    if (!e) {
      ++stats_.misses;
      return std::nullopt;
    }
    ++stats_.hits;
    return HostPhys(e->host_page | gpa.offset_in(4096));
  }
  void fill(uint64_t root, GuestPhys gpa, HostPhys hpa) {
    const uint64_t page = gpa.raw() >> 12;
    bool evicted = false;
    array_.slot(array_.set_of(page), page, [&](const Entry& x) { return x.root == root; },
                evicted) = Entry{root, hpa.raw() & ~uint64_t{4095}};
  }
  void flush() { array_.clear(); }
  const NestedTlbStats& stats() const { return stats_; }

 private:
  // Stored under the guest-physical page number.
  struct Entry {
    uint64_t root = 0;
    uint64_t host_page = 0;
  };
  SetAssoc<Entry> array_;
  NestedTlbStats stats_;
};

}  // namespace memvirt
