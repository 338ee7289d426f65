#pragma once
// The interface every trace reader offers: records pulled in batches, so the per-record loop is
// inside the reader and the caller makes one virtual call per batch. Address-space events
// (rare: one per system call) come between batches: read() stops before each one and
// take_event() hands it over, so the record loop never looks at them.
#include <cstddef>
#include <optional>
#include <span>

#include "workload/trace/space_event.hpp"
#include "workload/trace/trace_record.hpp"

namespace memvirt {

class TraceReader {
 public:
  virtual ~TraceReader() = default;
  // Fills the front of `out` with the records before the next event; returns how many were
  // written. 0 means the end of the trace, or an event next: the trace has ended when read()
  // gives 0 and take_event() nothing. Throws TraceError on corrupt input.
  virtual size_t read(std::span<TraceRecord> out) = 0;
  // The event that comes before the next record, once read() has stopped at it (and then
  // only once); nothing otherwise. Formats without events never have one.
  virtual std::optional<SpaceEvent> take_event() { return std::nullopt; }
};

}  // namespace memvirt
