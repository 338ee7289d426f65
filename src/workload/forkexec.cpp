#include "workload/forkexec.hpp"

#include <stdexcept>

#include "workload/process_events.hpp"

namespace memvirt {
namespace {

constexpr uint32_t kShell = 0;
constexpr uint32_t kChild = 1;

// parse_workload_spec() rejects these; a spec built in code may not have been parsed.
const ForkExecSpec& checked(const ForkExecSpec& spec) {
  if (spec.ws == 0 || spec.ws > kMaxWorkingSetBytes)
    throw std::invalid_argument("forkexec: ws must be in [1B, " + format_size(kMaxWorkingSetBytes) +
                                "]");
  return spec;
}

}  // namespace

ForkExec::ForkExec(const ForkExecSpec& spec, const WorkloadContext& ctx)
    : cycles_(checked(spec).n),
      page_(ctx.page),
      region_bytes_(round_up_to_page(spec.ws, ctx.page)),
      pages_(region_bytes_ / page_bytes(ctx.page)),
      cycle_length_(7 + pages_) {}

Event ForkExec::setup_event(uint64_t index) const {
  if (index == 0) return make_mmap(kShell, kWorkloadRegionBase, region_bytes_, page_);
  return make_access(EventKind::kWrite, kShell,
                     kWorkloadRegionBase + (index - 1) * page_bytes(page_));
}

Event ForkExec::cycle_event(uint64_t offset) const {
  switch (offset) {
    case 0:
      return make_fork(kShell, kChild);
    case 1:
      return make_process_event(EventKind::kSwitch, kChild);
    case 2:
      return make_process_event(EventKind::kExec, kChild);
    case 3:
      return make_mmap(kChild, kWorkloadRegionBase, region_bytes_, page_);
    default:
      break;
  }
  const uint64_t page = offset - 4;
  if (page < pages_) {
    return make_access(EventKind::kWrite, kChild, kWorkloadRegionBase + page * page_bytes(page_));
  }
  if (page == pages_) return make_process_event(EventKind::kExit, kChild);
  if (page == pages_ + 1) return make_process_event(EventKind::kSwitch, kShell);
  return make_access(EventKind::kWrite, kShell,
                     kWorkloadRegionBase + (cycle_ % pages_) * page_bytes(page_));
}

size_t ForkExec::next(std::span<Event> out) {
  size_t count = 0;
  for (; count < out.size() && setup_done_ < 1 + pages_; ++count) {
    out[count] = setup_event(setup_done_++);
  }
  for (; count < out.size() && cycle_ < cycles_; ++count) {
    out[count] = cycle_event(offset_);
    if (++offset_ == cycle_length_) {
      offset_ = 0;
      ++cycle_;
    }
  }
  return count;
}

}  // namespace memvirt
