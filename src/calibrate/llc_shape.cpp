#include "calibrate/llc_shape.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace memvirt {
namespace {

constexpr uint64_t kLine = 64;
// Sets in multiples of 16, so that any number of ways makes whole KiB (the preset's unit).
constexpr uint64_t kSetQuantum = 16;

uint64_t whole_sets(uint64_t sets) {
  return std::max<uint64_t>(kSetQuantum, sets / kSetQuantum * kSetQuantum);
}

std::string mib(uint64_t bytes) {
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20));
}

}  // namespace

LlcShape llc_shape(uint64_t share, const CacheInfo* l3, uint32_t fallback_ways) {
  LlcShape s;
  if (!l3 || l3->sets == 0 || l3->ways == 0) {
    const uint32_t ways = std::max<uint32_t>(fallback_ways, 1);
    const uint64_t set_bytes = kLine * ways;
    const uint64_t sets = whole_sets((share + set_bytes / 2) / set_bytes);
    s = {sets * set_bytes, ways,
         fmt::format("no L3 geometry from CPUID: the base preset's {} ways, {} sets", ways, sets)};
    return s;
  }
  if (share * 10 >= l3->size_bytes * 9) {
    s = {l3->size_bytes, l3->ways,
         fmt::format("the share is (nearly) the whole {} L3: its own {} ways", mib(l3->size_bytes),
                     l3->ways)};
    return s;
  }
  const uint64_t sets = whole_sets(l3->sets / l3->ways);
  const uint64_t way_bytes = sets * kLine;
  const uint64_t ways = std::max<uint64_t>(1, (share + way_bytes / 2) / way_bytes);
  s.size_bytes = ways * way_bytes;
  s.ways = static_cast<uint32_t>(ways);
  s.why = fmt::format(
      "a slice of every set of the {} {}-way L3 ({} sets): {} real sets pooled into each of {} "
      "model sets, {} ways of 64 B lines ({:.2f} of each real set's {} ways on average)",
      mib(l3->size_bytes), l3->ways, l3->sets, l3->ways, sets, ways,
      static_cast<double>(ways) / l3->ways, l3->ways);
  return s;
}

}  // namespace memvirt
