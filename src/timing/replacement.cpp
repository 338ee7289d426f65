#include "timing/replacement.hpp"

#include <bit>
#include <stdexcept>
#include <string>

namespace memvirt {

std::optional<ReplacementKind> parse_replacement(std::string_view text) {
  if (text == "lru") return ReplacementKind::kLru;
  if (text == "plru") return ReplacementKind::kTreePlru;
  return std::nullopt;
}

std::string_view replacement_name(ReplacementKind kind) {
  return kind == ReplacementKind::kLru ? "lru" : "plru";
}

Replacement::Replacement(ReplacementKind kind, uint32_t sets, uint32_t ways)
    : kind_(kind), ways_(ways) {
  if (kind == ReplacementKind::kLru) {
    if (ways > 65536)
      throw std::invalid_argument("LRU replacement holds at most 65536 ways, not " +
                                  std::to_string(ways));
    rank_.resize(static_cast<size_t>(sets) * ways);
    for (size_t i = 0; i < rank_.size(); ++i) rank_[i] = static_cast<uint16_t>(i % ways);
    return;
  }
  if (!std::has_single_bit(ways))
    throw std::invalid_argument("tree-PLRU needs a power-of-two number of ways, not " +
                                std::to_string(ways));
  depth_ = static_cast<uint32_t>(std::countr_zero(ways));
  tree_.assign(static_cast<size_t>(sets) * ways, 0);
}

uint32_t Replacement::lru_victim(uint64_t set) const {
  const uint16_t* r = &rank_[set * ways_];
  const uint32_t oldest = ways_ - 1;
  uint32_t victim = 0;
  while (r[victim] != oldest) ++victim;
  return victim;
}

// Each node's bit points at the half to evict next; a use turns every node on its path away.
void Replacement::plru_touch(uint64_t set, uint32_t way) {
  uint8_t* t = &tree_[set * ways_];
  uint32_t node = 1;
  for (uint32_t level = 0; level < depth_; ++level) {
    const uint32_t bit = (way >> (depth_ - 1 - level)) & 1u;
    t[node] = static_cast<uint8_t>(bit ^ 1u);
    node = 2 * node + bit;
  }
}

uint32_t Replacement::plru_victim(uint64_t set) const {
  const uint8_t* t = &tree_[set * ways_];
  uint32_t node = 1;
  uint32_t way = 0;
  for (uint32_t level = 0; level < depth_; ++level) {
    way = 2 * way + t[node];
    node = 2 * node + t[node];
  }
  return way;
}

}  // namespace memvirt
