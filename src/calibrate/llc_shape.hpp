#pragma once
// The shape the model gives the LLC share this process gets of a shared L3.
//
// The neighbours' lines are spread over every set of the real L3, and so are this process's: the
// share is a slice of every set (share / L3 of each set's ways on average), not a smaller cache
// of the die's associativity. Where this process's scattered 4 KiB frames crowd a set, its lines
// take ways from the neighbours' there, since the replacement is shared, so crowding costs it
// next to nothing. A model cache of the share's size with the die's 16 or 20 ways would lose lines
// to crowded sets well below its capacity, where the machine still hits. So the model keeps the
// share's size and gives it as few page colours (groups of 64 sets a 4 KiB frame maps to) as keep
// at least 64 ways, 64 frames, in each: sets = 64 x 2^k, ways = share / (sets x 64 B), between 64
// and 127, where crowding at half the capacity is negligible and a lookup stays short. For the
// Zen 4 guest of docs/calibration.md (10 MiB) that gives 2048 sets of 80 ways, the shape found by
// hand there. A share of (nearly) the whole L3 has no neighbours to borrow from: the L3's own
// shape.
#include <cstdint>
#include <string>

#include "calibrate/cpuid_decode.hpp"

namespace memvirt {

struct LlcShape {
  uint64_t size_bytes = 0;
  uint32_t ways = 0;
  std::string why;
};

// `share`: the measured effective capacity; `l3`: the real L3 (nullptr if CPUID gave none).
LlcShape llc_shape(uint64_t share, const CacheInfo* l3);

}  // namespace memvirt
