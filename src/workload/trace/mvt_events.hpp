#pragma once
// The events of an .mvt version 2 block: address-space changes stored beside the records,
// each with the number of the block's records that come before it. Events are rare (one per
// system call), so they are written plainly and decoded outside the records' hot loop.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "workload/trace/mvt_decode.hpp"
#include "workload/trace/space_event.hpp"

namespace memvirt::mvt {

// One event as stored:
//   u32 position  records of the block before it (non-decreasing, at most the block's records)
//   u8  kind      SpaceEventKind
//   u8  fields    which optional fields follow: bit 0 child, 1 addr, 2 length, 3 old_addr,
//                 4 old_length, 5 prot, 6 flags; bit 7 zero. A field is present when non-zero,
//                 and only fields the kind uses may be present (event_fields)
//   u32 pid
//   then the present fields in bit order: child u32, four u64, prot u32, flags u32
struct BlockEvent {
  uint32_t position = 0;
  SpaceEvent event;
};

// The fields bits the kind may carry.
uint8_t event_fields(SpaceEventKind kind);

// Appends `e` at `position`; throws std::invalid_argument if `e` has a field its kind does not
// use (a reader would refuse it).
void encode_event(const SpaceEvent& e, uint32_t position, std::vector<uint8_t>& out);

// Decodes exactly `count` events filling raw[0, bytes) into `out`, for a block of `records`
// records. Throws DecodeFailure (position within raw) on anything else.
void decode_events(const uint8_t* raw, size_t bytes, uint32_t count, uint32_t records,
                   std::vector<BlockEvent>& out);

}  // namespace memvirt::mvt
