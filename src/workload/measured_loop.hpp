#pragma once
// The computation `memvirt measure` times, as one event stream: the region mapped, one read
// per 4 KiB of it (the measurement's touch, which makes every page present), a warm-up lap of
// the loop, then the lap that counts. Each lap starts where the real loop starts (the head of
// the chain; the random draws from the seed), so the counted lap visits the same addresses in
// the same order as every timed run does.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "workload/spec.hpp"
#include "workload/workload.hpp"

namespace memvirt {

// Whether `spec` has a measured form: the single-region loops (listwalk, random). Event streams
// (traces, churn, ctxswitch, forkexec) have none: their start is part of what they are.
bool has_measured_loop(const WorkloadSpec& spec);

// The reads of the touch: one per 4 KiB of the region as mapped with `page` pages.
uint64_t touch_reads(const WorkloadSpec& spec, PageSize page);

class MeasuredLoop final : public Workload {
 public:
  // `spec` must have a measured loop.
  MeasuredLoop(const WorkloadSpec& spec, const WorkloadContext& ctx);
  size_t next(std::span<Event> out) override;

  // Accesses before the counted lap: the touch and the warm-up lap.
  uint64_t warmup_accesses() const { return touches_ + steps_; }

 private:
  WorkloadSpec spec_;
  WorkloadContext ctx_;
  uint64_t touches_;  // reads of the touch
  uint64_t steps_;    // accesses per lap
  bool mapped_ = false;
  uint64_t touched_ = 0;
  int laps_started_ = 0;
  std::unique_ptr<Workload> lap_;
};

}  // namespace memvirt
