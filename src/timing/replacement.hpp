#pragma once
// Replacement policies for set-associative structures, as a small strategy chosen per structure:
// true LRU (a recency rank per way) or tree pseudo-LRU (one bit per node, as most L1/L2 caches implement it).
// A switch on the kind instead of a virtual call keeps the TLB-hit path free of indirect calls.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "memory/huge_page_allocator.hpp"

namespace memvirt {

enum class ReplacementKind : uint8_t { kLru, kTreePlru };

std::optional<ReplacementKind> parse_replacement(std::string_view text);
std::string_view replacement_name(ReplacementKind kind);

class Replacement {
 public:
  // Tree-PLRU needs a power-of-two number of ways; the constructor refuses anything else.
  Replacement(ReplacementKind kind, uint32_t sets, uint32_t ways);

  void touch(uint64_t set, uint32_t way) {
    if (kind_ == ReplacementKind::kLru)
      lru_touch(set, way);
    else
      plru_touch(set, way);
  }
  uint32_t victim(uint64_t set) const {
    return kind_ == ReplacementKind::kLru ? lru_victim(set) : plru_victim(set);
  }
  void prefetch(uint64_t set) const {
    if (kind_ == ReplacementKind::kLru)
      __builtin_prefetch(&rank_[set * ways_]);
    else
      __builtin_prefetch(&tree_[set * ways_]);
  }
  ReplacementKind kind() const { return kind_; }

 private:
  // Every way older than the touched one ages by one; the touched way becomes the youngest.
  void lru_touch(uint64_t set, uint32_t way) {
    uint16_t* r = &rank_[set * ways_];
    const uint16_t was = r[way];
    if (was == 0) return;
    for (uint32_t w = 0; w < ways_; ++w) r[w] = static_cast<uint16_t>(r[w] + (r[w] < was));
    r[way] = 0;
  }
  void plru_touch(uint64_t set, uint32_t way);
  uint32_t plru_victim(uint64_t set) const;
  uint32_t lru_victim(uint64_t set) const;

  ReplacementKind kind_;
  uint32_t ways_;
  uint32_t depth_ = 0;           // tree-PLRU: log2(ways)
  // LRU: per set a permutation of 0..ways-1, 0 the most recently used way. Two bytes a way
  // rather than a global time stamp keep a set's state in one host cache line.
  std::vector<uint16_t, HugePageAllocator<uint16_t>> rank_;
  std::vector<uint8_t> tree_;    // tree-PLRU: `ways` nodes per set, node 1 is the root
};

}  // namespace memvirt
