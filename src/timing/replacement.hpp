#pragma once
// Replacement policies for set-associative structures, as a small strategy chosen per structure:
// true LRU (age stamps) or tree pseudo-LRU (one bit per node, as most L1/L2 caches implement it).
// A switch on the kind instead of a virtual call keeps the TLB-hit path free of indirect calls.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

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
      stamp_[set * ways_ + way] = ++clock_;
    else
      plru_touch(set, way);
  }
  uint32_t victim(uint64_t set) const {
    return kind_ == ReplacementKind::kLru ? lru_victim(set) : plru_victim(set);
  }
  ReplacementKind kind() const { return kind_; }

 private:
  void plru_touch(uint64_t set, uint32_t way);
  uint32_t plru_victim(uint64_t set) const;
  uint32_t lru_victim(uint64_t set) const;

  ReplacementKind kind_;
  uint32_t ways_;
  uint32_t depth_ = 0;           // tree-PLRU: log2(ways)
  uint64_t clock_ = 0;
  std::vector<uint64_t> stamp_;  // LRU: last use per entry
  std::vector<uint8_t> tree_;    // tree-PLRU: `ways` nodes per set, node 1 is the root
};

}  // namespace memvirt
