// The events of an .mvt version 2 block, fuzzed inside their zstd frame's reach: any bytes
// either decode, and then encode back to the same bytes (one encoding per event), or are
// refused with a DecodeFailure inside them. Input: u32 event count, u32 block records, then the
// events' bytes.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "workload/trace/mvt_events.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 8) return 0;
  uint32_t count;
  uint32_t records;
  std::memcpy(&count, data, 4);
  std::memcpy(&records, data + 4, 4);
  count %= 1024;  // the block header bounds it; fewer keeps runs fast
  const uint8_t* events = data + 8;
  const size_t bytes = size - 8;
  std::vector<memvirt::mvt::BlockEvent> out;
  try {
    memvirt::mvt::decode_events(events, bytes, count, records, out);
  } catch (const memvirt::mvt::DecodeFailure& e) {
    if (e.position > bytes) std::abort();
    return 0;
  }
  std::vector<uint8_t> again;
  for (const auto& b : out) memvirt::mvt::encode_event(b.event, b.position, again);
  if (again.size() != bytes || std::memcmp(again.data(), events, bytes) != 0) std::abort();
  return 0;
}
