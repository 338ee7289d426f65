#pragma once
// The interface every trace reader offers: records pulled in batches, so the per-record loop is
// inside the reader and the caller makes one virtual call per batch.
#include <cstddef>
#include <span>

#include "workload/trace/trace_record.hpp"

namespace memvirt {

class TraceReader {
 public:
  virtual ~TraceReader() = default;
  // Fills the front of `out`; returns how many records were written, 0 at the end of the trace.
  // Throws TraceError on corrupt input.
  virtual size_t read(std::span<TraceRecord> out) = 0;
};

}  // namespace memvirt
