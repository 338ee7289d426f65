#include "calibrate/llc_shape.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

namespace memvirt {
namespace {

constexpr uint64_t kLine = 64;
constexpr uint64_t kColourSets = 4096 / kLine;  // the sets one 4 KiB frame spans
constexpr uint64_t kMinWays = 64;

std::string mib(uint64_t bytes) {
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20));
}

}  // namespace

LlcShape llc_shape(uint64_t share, const CacheInfo* l3) {
  if (l3 && l3->ways > 0 && share * 10 >= l3->size_bytes * 9)
    return {l3->size_bytes, l3->ways,
            fmt::format("the share is (nearly) the whole {} L3: its own {} ways, no neighbours to "
                        "borrow ways from",
                        mib(l3->size_bytes), l3->ways)};
  const uint64_t colours =
      std::bit_floor(std::max<uint64_t>(1, share / (kMinWays * kColourSets * kLine)));
  const uint64_t sets = colours * kColourSets;
  const uint64_t set_way_bytes = sets * kLine;
  const uint64_t ways = std::max<uint64_t>(1, (share + set_way_bytes / 2) / set_way_bytes);
  const std::string real =
      l3 ? fmt::format("the {} {}-way L3 ({} sets)", mib(l3->size_bytes), l3->ways, l3->sets)
         : std::string("the L3 (CPUID gave no geometry)");
  return {ways * set_way_bytes, static_cast<uint32_t>(ways),
          fmt::format("a slice of every set of {}, whose crowded sets borrow ways from the "
                      "neighbours: {} sets ({} page colours) of {} ways, at least 64 frames per "
                      "colour, so that scattered 4 KiB frames crowd no set below the share's size",
                      real, sets, colours, ways)};
}

}  // namespace memvirt
