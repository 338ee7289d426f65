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
      page_(ctx.page),
      region_bytes_(ctx.page == PageSize::k1G ? page_bytes(PageSize::k1G)
                                              : page_bytes(PageSize::k2M)),
      records_(kBatch) {
  mapped_[0];  // pid 0 runs from the start
}

bool TraceWorkload::refill() {
  end_ = reader_->read(records_);
  pos_ = 0;
  return end_ != 0;
}

// The events of one record into pending_: a fork for a new pid, a mapping for a new region,
// then the access itself.
void TraceWorkload::expand(const TraceRecord& r) {
  pending_count_ = 0;
  pending_pos_ = 0;
  if (r.addr >= kTraceUserEnd) {
    ++skipped_;
    return;
  }
  const uint64_t region = r.addr / region_bytes_;
  const size_t code = r.kind == TraceKind::kExecute;
  if (r.pid != last_pid_ || region != last_region_[code]) {
    auto [it, fresh] = mapped_.try_emplace(r.pid);
    if (fresh) {
      it->second = mapped_.at(0);  // the child of a fork inherits pid 0's mappings
      pending_[pending_count_++] = make_fork(0, r.pid);
    }
    if (it->second.insert(region).second) {
      Event map = make_mmap(r.pid, region * region_bytes_, region_bytes_, page_);
      map.prot |= kProtExec;  // code and data may share a region
      pending_[pending_count_++] = map;
    }
    if (r.pid != last_pid_) last_region_ = {~uint64_t{0}, ~uint64_t{0}};
    last_pid_ = r.pid;
    last_region_[code] = region;
  }
  pending_[pending_count_++] = make_access(event_kind(r.kind), r.pid, r.addr);
}

size_t TraceWorkload::next(std::span<Event> out) {
  size_t count = 0;
  while (count < out.size()) {
    if (pending_pos_ == pending_count_) {
      if (pos_ == end_ && !refill()) break;
      expand(records_[pos_++]);
      continue;
    }
    out[count++] = pending_[pending_pos_++];
  }
  return count;
}

}  // namespace memvirt
