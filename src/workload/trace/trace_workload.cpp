#include "workload/trace/trace_workload.hpp"

#include "workload/process_events.hpp"
#include "workload/trace/open_trace.hpp"

namespace memvirt {
namespace {

constexpr size_t kBatch = 4096;

EventKind event_kind(TraceKind kind) {
  switch (kind) {
    case TraceKind::kRead:
      return EventKind::kRead;
    case TraceKind::kWrite:
      return EventKind::kWrite;
    case TraceKind::kExecute:
      return EventKind::kExecute;
  }
  return EventKind::kRead;
}

}  // namespace

TraceWorkload::TraceWorkload(const TraceSpec& spec, const WorkloadContext& ctx)
    : TraceWorkload(open_trace(spec.file, spec.format), ctx) {}

TraceWorkload::TraceWorkload(std::unique_ptr<TraceReader> reader, const WorkloadContext& ctx)
    : reader_(std::move(reader)),
      region_bytes_(ctx.page == PageSize::k1G ? page_bytes(PageSize::k1G)
                                              : page_bytes(PageSize::k2M)),
      replay_(ctx.page, region_bytes_),
      records_(kBatch) {
  pending_.reserve(16);
}

// The next batch of records; where read() stopped at a trace event instead, its kernel events
// into pending_. False at the end of the trace.
bool TraceWorkload::refill() {
  pos_ = 0;
  end_ = reader_->read(records_);
  if (end_ != 0) return true;
  const std::optional<SpaceEvent> e = reader_->take_event();
  if (!e) return false;
  pending_.clear();
  pending_pos_ = 0;
  replay_.apply(*e, pending_);
  stale_ = true;  // processes and mappings may have changed
  return true;
}

// The events of one record into pending_: a fork for a new pid, mappings for a region the
// trace has not mapped, then the access itself.
void TraceWorkload::expand(const TraceRecord& r) {
  pending_.clear();
  pending_pos_ = 0;
  if (r.addr >= kTraceUserEnd) {
    ++skipped_;
    return;
  }
  const uint64_t region = r.addr / region_bytes_;
  const size_t code = r.kind == TraceKind::kExecute;
  if (r.pid != last_pid_ || stale_) {
    process_ = replay_.process_of(r.pid, pending_);
    last_pid_ = r.pid;
    last_region_ = {~uint64_t{0}, ~uint64_t{0}};
    stale_ = false;
  }
  if (region != last_region_[code] && replay_.prepare_access(process_, r.addr, pending_))
    last_region_[code] = region;
  pending_.push_back(make_access(event_kind(r.kind), process_, r.addr));
}

size_t TraceWorkload::next(std::span<Event> out) {
  size_t count = 0;
  while (count < out.size()) {
    if (pending_pos_ == pending_.size()) {
      if (pos_ == end_ && !refill()) break;
      if (pos_ != end_) expand(records_[pos_++]);
      continue;
    }
    out[count++] = pending_[pending_pos_++];
  }
  return count;
}

}  // namespace memvirt
