// The simulator fit: given points whose "measurements" the simulator itself produced with known
// LLC latency, memory latency and walk start (and line time and prefetch degree), it recovers
// them from a wrong draft.
#include <gtest/gtest.h>

#include "calibrate/model_fit.hpp"

namespace memvirt {
namespace {

constexpr uint64_t KiB = 1024, MiB = 1024 * KiB;
using Order = ListWalkSpec::Order;

// A small machine, so that the windows simulate in a moment.
CpuModel small_machine(uint32_t llc, uint32_t memory, uint32_t walk_start,
                       uint64_t llc_bytes = 2 * MiB) {
  CpuModel m = load_cpu_model("skylake");
  m.caches.levels = {{32 * KiB, 8, 4}, {256 * KiB, 4, 12}, {llc_bytes, 16, llc}};
  m.caches.memory_latency = memory;
  m.walk_start = walk_start;
  return m;
}

TEST(CalibrateModelFit, Solve3SolvesAndRefusesSingularSystems) {
  const auto x = solve3({{{2, 1, 0}, {0, 1, 0}, {0, 0, 4}}}, {5, 1, 8});
  ASSERT_TRUE(x);
  EXPECT_NEAR((*x)[0], 2, 1e-12);
  EXPECT_NEAR((*x)[1], 1, 1e-12);
  EXPECT_NEAR((*x)[2], 2, 1e-12);
  EXPECT_FALSE(solve3({{{1, 2, 3}, {2, 4, 6}, {0, 0, 1}}}, {1, 2, 3}));
}

TEST(CalibrateModelFit, RecoversTheLatenciesTheSimulatorWasGiven) {
  const CpuModel truth = small_machine(40, 220, 12);
  const std::array<WalkPoint, 3> points = {
      WalkPoint{1 * MiB, Order::kRandom, 7, PageSize::k2M, 0},
      WalkPoint{16 * MiB, Order::kRandom, 7, PageSize::k2M, 0},
      WalkPoint{40 * MiB, Order::kRandom, 519, PageSize::k4K, 0}};
  std::array<FitTarget, 3> targets;
  const auto cpu = std::make_shared<const CpuModel>(truth);
  for (size_t i = 0; i < 3; ++i) {
    const ListWalkSpec spec = points[i].spec();
    const WindowCost w =
        steady_window(prediction_config(cpu, points[i].page), spec, one_lap(spec), 30'000);
    targets[i] = {points[i], w.cycles};
  }
  const LatencyFit f = fit_latencies(small_machine(70, 400, 0), targets, 30'000);
  EXPECT_NEAR(f.llc_latency, 40, 0.5);
  EXPECT_NEAR(f.memory_latency, 220, 0.5);
  EXPECT_NEAR(f.walk_start, 12, 0.5);
  EXPECT_TRUE(f.note.empty()) << f.note;
}

TEST(CalibrateModelFit, LineCyclesMakeTheStreamCostWhatWasMeasured) {
  // An LLC of 4 x the L2 already: the fit streams over twice it, 2 MiB, with this very model.
  CpuModel m = small_machine(40, 220, 12, 1 * MiB);
  m.caches.memory_line_cycles = 20;  // above what the latency allows the streamer: it binds
  const WalkPoint p{2 * MiB, Order::kSeq, 7, PageSize::k2M, 0};
  const ListWalkSpec spec = p.spec();
  const double measured =
      steady_window(prediction_config(std::make_shared<const CpuModel>(m), PageSize::k2M), spec,
                    one_lap(spec), 100'000)
          .cycles;
  m.caches.memory_line_cycles = 30;
  const BandwidthFit f = fit_line_cycles(m, measured);
  EXPECT_EQ(f.simulated_ws, 2 * MiB);
  EXPECT_EQ(f.line_cycles, 20u) << "predicted " << f.predicted_cycles << " for " << measured;
  EXPECT_NEAR(f.predicted_cycles, measured, 1e-9);
}

TEST(CalibrateModelFit, PrefetchDegreeMakesTheStrideWalkCostWhatWasMeasured) {
  // An LLC of 4 x the L2 already: the fit walks six times it, 8 MiB, with this very model.
  CpuModel m = small_machine(40, 220, 12, 1 * MiB);
  m.caches.memory_line_cycles = 9;
  m.caches.prefetch_degree = 5;
  const WalkPoint p{8 * MiB, Order::kSeq, kStrideNpad, PageSize::k2M, 0};
  const ListWalkSpec spec = p.spec();
  const double measured =
      steady_window(prediction_config(std::make_shared<const CpuModel>(m), PageSize::k2M), spec,
                    one_lap(spec), 100'000)
          .cycles;
  m.caches.prefetch_degree = 1;
  const PrefetchFit f = fit_prefetch_degree(m, measured);
  EXPECT_EQ(f.simulated_ws, 8 * MiB);
  EXPECT_EQ(f.degree, 5u) << "predicted " << f.predicted_cycles << " for " << measured;
  EXPECT_NEAR(f.predicted_cycles, measured, 1e-9);
  // Five strides ahead hide part of the memory latency, not all of it.
  EXPECT_GT(measured, 220.0 / 6);
  EXPECT_LT(measured, 220.0);
}

}  // namespace
}  // namespace memvirt
