#include "workload/churn.hpp"

#include <stdexcept>
#include <string>

#include "workload/process_events.hpp"

namespace memvirt {
namespace {

// parse_workload_spec() rejects all but the last of these; a spec built in code may not have
// been parsed, and the 1 GiB-page layout can only be checked once the page size is known.
const ChurnSpec& checked(const ChurnSpec& spec, PageSize page) {
  if (spec.procs == 0 || spec.procs > kMaxProcesses)
    throw std::invalid_argument("churn: procs must be in [1, " + std::to_string(kMaxProcesses) +
                                "]");
  if (spec.maps == 0 || spec.size == 0 || spec.size > kProcessSlotBytes)
    throw std::invalid_argument("churn: maps and size must be positive, size at most " +
                                format_size(kProcessSlotBytes));
  check_churn_layout(spec, page);
  return spec;
}

}  // namespace

Churn::Churn(const ChurnSpec& spec, const WorkloadContext& ctx)
    : spec_(checked(spec, ctx.page)),
      page_(ctx.page),
      region_bytes_(round_up_to_page(spec.size, ctx.page)),
      pages_(region_bytes_ / page_bytes(ctx.page)),
      stride_(churn_stride(spec.size, ctx.page)),
      turn_length_(1 + spec.maps * (2 + pages_)),
      slot_(process_slot(0)) {}

void Churn::start_turn() {
  if (++pid_ == spec_.procs) {
    pid_ = 0;
    ++step_;
  }
  slot_ = process_slot(pid_);
  offset_ = spec_.procs > 1 ? 0 : 1;  // one process never switches
}

Event Churn::turn_event(uint64_t offset) const {
  if (offset == 0) return make_process_event(EventKind::kSwitch, pid_);
  uint64_t i = offset - 1;
  if (i < spec_.maps) return make_mmap(pid_, region_addr(i), region_bytes_, page_);
  i -= spec_.maps;
  if (i < spec_.maps * pages_) {
    return make_access(EventKind::kWrite, pid_,
                       region_addr(i / pages_) + (i % pages_) * page_bytes(page_));
  }
  return make_munmap(pid_, region_addr(i - spec_.maps * pages_), region_bytes_);
}

size_t Churn::next(std::span<Event> out) {
  size_t count = 0;
  for (; count < out.size() && forked_ + 1 < spec_.procs; ++count) {
    out[count] = make_fork(0, ++forked_);
  }
  for (; count < out.size() && step_ < spec_.steps; ++count) {
    out[count] = turn_event(offset_);
    if (++offset_ == turn_length_) start_turn();
  }
  return count;
}

}  // namespace memvirt
