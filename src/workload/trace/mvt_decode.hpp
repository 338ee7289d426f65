#pragma once
// The hot loop of the .mvt reader: one decompressed block of records into TraceRecords.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "workload/trace/mvt_format.hpp"
#include "workload/trace/trace_record.hpp"

namespace memvirt::mvt {

// Kind code -> kind, from the file's header; codes at or above `count` are corrupt.
struct KindTable {
  std::array<TraceKind, kMaxKinds> kinds{};
  unsigned count = 0;
};

// Where in the decompressed block decoding failed, and what was expected there.
struct DecodeFailure {
  size_t position;
  std::string message;
};

// Decodes `count` records from raw[0, raw_bytes), which must be followed by kRawPadding zero
// bytes, into out[0, count). Throws DecodeFailure unless the records fill the block exactly.
void decode_block(const uint8_t* raw, size_t raw_bytes, uint32_t count, const KindTable& kinds,
                  TraceRecord* out);

}  // namespace memvirt::mvt
