#pragma once
#include <cstdint>

namespace memvirt {

// Physical-address field of a paging entry: bits 51:12.
inline constexpr uint64_t kFrameMask = 0x000F'FFFF'FFFF'F000ull;

constexpr bool bit(uint64_t value, int b) { return (value >> b) & 1u; }
constexpr uint64_t with_bit(uint64_t value, int b, bool on) {
  return on ? (value | (uint64_t{1} << b)) : (value & ~(uint64_t{1} << b));
}
constexpr uint64_t field(uint64_t value, int lo, int width) {
  return (value >> lo) & ((uint64_t{1} << width) - 1);
}
constexpr uint64_t with_field(uint64_t value, int lo, int width, uint64_t f) {
  const uint64_t mask = ((uint64_t{1} << width) - 1) << lo;
  return (value & ~mask) | ((f << lo) & mask);
}

}  // namespace memvirt
