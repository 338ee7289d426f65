#include "workload/measured_loop.hpp"

#include <stdexcept>
#include <variant>

#include "workload/region.hpp"

namespace memvirt {
namespace {

constexpr uint64_t kTouchStride = 4096;  // as the measurement's touch request

uint64_t steps_of(const WorkloadSpec& spec) {
  if (const auto* l = std::get_if<ListWalkSpec>(&spec)) return l->steps;
  if (const auto* r = std::get_if<RandomSpec>(&spec)) return r->steps;
  throw std::invalid_argument("workload " + workload_name(spec) + " has no measured loop");
}

uint64_t mapped_length(const WorkloadSpec& spec, PageSize page) {
  return region_mmap_event(working_set_bytes(spec), page).length;
}

}  // namespace

bool has_measured_loop(const WorkloadSpec& spec) {
  return std::holds_alternative<ListWalkSpec>(spec) || std::holds_alternative<RandomSpec>(spec);
}

uint64_t touch_reads(const WorkloadSpec& spec, PageSize page) {
  return (mapped_length(spec, page) + kTouchStride - 1) / kTouchStride;
}

MeasuredLoop::MeasuredLoop(const WorkloadSpec& spec, const WorkloadContext& ctx)
    : spec_(spec), ctx_(ctx), touches_(touch_reads(spec, ctx.page)), steps_(steps_of(spec)) {
  ctx_.premapped = true;
}

size_t MeasuredLoop::next(std::span<Event> out) {
  size_t count = 0;
  if (!mapped_ && count < out.size()) {
    out[count++] = region_mmap_event(working_set_bytes(spec_), ctx_.page);
    mapped_ = true;
  }
  for (; count < out.size() && touched_ < touches_; ++count, ++touched_)
    out[count] = access_event(EventKind::kRead, touched_ * kTouchStride);
  while (count < out.size()) {
    if (!lap_) {
      if (laps_started_ == 2) break;
      lap_ = make_workload(spec_, ctx_);
      ++laps_started_;
    }
    const size_t n = lap_->next(out.subspan(count));
    if (n == 0) lap_.reset();
    count += n;
  }
  return count;
}

}  // namespace memvirt
