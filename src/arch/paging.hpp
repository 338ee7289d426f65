#pragma once
// IA-32e paging geometry: 4-level (48-bit) and 5-level (LA57, 57-bit) index extraction.
#include <cstdint>

#include "arch/page_size.hpp"

namespace memvirt {

inline constexpr int kMaxLevels = 5;

constexpr bool valid_levels(int levels) { return levels == 4 || levels == 5; }

// Shift of the address bits that index the table at `level` (1 = PT ... 5 = PML5).
constexpr int level_shift(int level) { return 12 + 9 * (level - 1); }

constexpr unsigned table_index(uint64_t address, int level) {
  return static_cast<unsigned>((address >> level_shift(level)) & 511u);
}

// Bytes covered by one entry of the table at `level`.
constexpr uint64_t level_span(int level) { return uint64_t{1} << level_shift(level); }

constexpr int address_bits(int levels) { return 12 + 9 * levels; }

// Canonical: bits above the top translated bit are copies of it.
constexpr bool is_canonical(uint64_t address, int levels) {
  const int top = address_bits(levels) - 1;
  const int64_t sign = static_cast<int64_t>(address << (63 - top)) >> (63 - top);
  return static_cast<uint64_t>(sign) == address;
}

// The lower half of the canonical space (user addresses) ends here.
constexpr uint64_t user_space_end(int levels) { return uint64_t{1} << (address_bits(levels) - 1); }

}  // namespace memvirt
