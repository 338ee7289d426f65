#include "calibrate/prediction.hpp"

#include <algorithm>
#include <array>
#include <span>

#include "mmu/tlb.hpp"
#include "sim/engine.hpp"
#include "sim/machine.hpp"
#include "workload/listwalk.hpp"
#include "workload/workload.hpp"

namespace memvirt {
namespace {

constexpr std::array<CycleCategory, 4> kLoopCategories = {
    CycleCategory::kData, CycleCategory::kTlbHit, CycleCategory::kGuestWalk,
    CycleCategory::kNestedWalk};

struct Snapshot {
  double cycles = 0;
  uint64_t walks = 0;
  std::vector<uint64_t> hits;
  uint64_t memory = 0;
};

Snapshot snapshot(const Machine& m) {
  const RunResult r = m.result();
  Snapshot s;
  for (CycleCategory c : kLoopCategories) s.cycles += static_cast<double>(r.cycles[c]);
  s.walks = r.walks;
  s.hits = r.caches.hits;
  s.memory = r.caches.memory;
  return s;
}

// Applies events until `accesses` more accesses have been applied (or the workload ends).
void run_accesses(Machine& m, Workload& w, std::vector<Event>& pending, uint64_t accesses) {
  std::array<Event, 4096> batch;
  while (accesses > 0) {
    if (pending.empty()) {
      const size_t n = w.next(batch);
      if (n == 0) return;
      pending.assign(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(n));
      std::reverse(pending.begin(), pending.end());
    }
    const Event e = pending.back();
    pending.pop_back();
    m.apply(e);
    if (is_access(e.kind)) --accesses;
  }
}

}  // namespace

SimConfig prediction_config(std::shared_ptr<const CpuModel> cpu, PageSize page) {
  SimConfig c;
  const bool guest = cpu->host && cpu->host->guest;
  c.mode = guest ? PagingMode::kNested : PagingMode::kNative;
  c.nested_page = guest && cpu->host->outer_page ? *cpu->host->outer_page : PageSize::k4K;
  c.page = page;
  c.frames = FramePlacement::kScattered;
  c.tlb = tlb_config_for(cpu->tlb);
  c.cpu = std::move(cpu);
  return c;
}

uint64_t one_lap(const ListWalkSpec& spec) {
  return std::clamp<uint64_t>(spec.ws / (8 * (uint64_t{spec.npad} + 1)), 1, 1'000'000);
}

WindowCost steady_window(const SimConfig& config, const ListWalkSpec& spec, uint64_t warm,
                         uint64_t timed) {
  Machine m(config);
  ListWalkSpec run = spec;
  run.steps = warm + timed;
  const auto workload = make_workload(WorkloadSpec(run), WorkloadContext{config.page, config.seed});
  std::vector<Event> pending;
  run_accesses(m, *workload, pending, warm);
  const Snapshot a = snapshot(m);
  run_accesses(m, *workload, pending, timed);
  const Snapshot b = snapshot(m);
  const double n = static_cast<double>(std::max<uint64_t>(timed, 1));
  WindowCost w;
  w.cycles = (b.cycles - a.cycles) / n;
  w.walks = static_cast<double>(b.walks - a.walks) / n;
  for (size_t i = 0; i < b.hits.size(); ++i)
    w.hits.push_back(static_cast<double>(b.hits[i] - (i < a.hits.size() ? a.hits[i] : 0)) / n);
  w.memory = static_cast<double>(b.memory - a.memory) / n;
  return w;
}

double predicted_ticks(std::shared_ptr<const CpuModel> cpu, const WalkPoint& point, double tsc_ghz,
                       double core_ghz) {
  const SimConfig config = prediction_config(std::move(cpu), point.page);
  const RunResult r = simulate(config, WorkloadSpec(point.spec()));
  return r.cycles_per_access() * tsc_ghz / core_ghz;
}

}  // namespace memvirt
