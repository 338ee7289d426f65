#pragma once
// The shape the model gives the LLC share this process gets of a shared L3.
//
// The neighbours' lines are spread over every set of the real L3, and so are this process's: the
// share is a slice of every set (share / L3 of each set's ways on average), not a smaller cache.
// Where this process's scattered 4 KiB frames crowd a set, its lines take ways from the
// neighbours' there, since the replacement is shared. The model keeps the share's size and the
// real L3's slice per set, but pools as many real sets into one model set as the real L3 has
// ways, so that the crowding of one set averages out as it does in the machine: the model has
// L3 sets / L3 ways sets of share / (that many sets x 64 B) ways. For the Zen 4 guest of
// docs/calibration.md (10 MiB of a 32 MiB 16-way L3: 32768 sets) that gives 2048 sets of 80
// ways, the shape found by hand there. A share of (nearly) the whole L3 keeps the L3's own shape.
#include <cstdint>
#include <string>

#include "calibrate/cpuid_decode.hpp"

namespace memvirt {

struct LlcShape {
  uint64_t size_bytes = 0;
  uint32_t ways = 0;
  std::string why;
};

// `share`: the measured effective capacity; `l3`: the real L3 (nullptr if CPUID gave none, when
// `fallback_ways` of the base preset are kept and the size is rounded to whole sets of them).
LlcShape llc_shape(uint64_t share, const CacheInfo* l3, uint32_t fallback_ways);

}  // namespace memvirt
