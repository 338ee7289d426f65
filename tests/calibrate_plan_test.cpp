// The measurement plan: the validation grid is held out from every fit series (no point in
// common, no npad in common, no working set a power of four), and has the size its docs say.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <set>

#include "calibrate/calibration_plan.hpp"

namespace memvirt {
namespace {

constexpr uint64_t KiB = 1024, MiB = 1024 * KiB;

const std::vector<PlanSizes> kMachines = {
    {48 * KiB, 2 * MiB, 300 * MiB, 64, 2048},   // Emerald Rapids
    {32 * KiB, 1 * MiB, 32 * MiB, 72, 3072},    // Zen 4
    {32 * KiB, 512 * KiB, 32 * MiB, 64, 2048},  // Zen 3
    {32 * KiB, 256 * KiB, 8 * MiB, 64, 1536},   // a small Skylake
};

bool power_of_four(uint64_t v) { return std::has_single_bit(v) && std::countr_zero(v) % 2 == 0; }

TEST(CalibratePlan, NoValidationPointIsAFitPoint) {
  for (bool quick : {false, true})
    for (const PlanSizes& m : kMachines) {
      std::set<std::string> fit_keys;
      std::set<unsigned> fit_npads;
      for (const Series& s : fit_plan(m, quick))
        for (const WalkPoint& p : s.points) {
          fit_keys.insert(p.key());
          fit_npads.insert(p.npad);
        }
      for (const WalkPoint& v : validation_grid(quick)) {
        EXPECT_EQ(fit_keys.count(v.key()), 0u) << v.key();
        EXPECT_EQ(fit_npads.count(v.npad), 0u) << v.key();
      }
    }
}

TEST(CalibratePlan, ValidationGridCoversBothOrdersPagesAndNonPowerOfFourSets) {
  const auto grid = validation_grid(false);
  EXPECT_EQ(grid.size(), 64u);
  std::set<std::string> kinds;
  uint64_t lo = UINT64_MAX, hi = 0;
  for (const WalkPoint& p : grid) {
    EXPECT_FALSE(power_of_four(p.ws)) << p.key();
    EXPECT_NE(p.npad, 0u);
    EXPECT_TRUE(p.npad == 1 || p.npad == 15) << p.key();
    kinds.insert(fmt::format("{}/{}", p.order == ListWalkSpec::Order::kSeq ? "seq" : "random",
                             page_size_name(p.page)));
    lo = std::min(lo, p.ws);
    hi = std::max(hi, p.ws);
  }
  EXPECT_EQ(kinds.size(), 4u);
  EXPECT_EQ(lo, 24 * KiB);
  EXPECT_EQ(hi, 768 * MiB);
}

TEST(CalibratePlan, QuickValidationIsAFewPoints) { EXPECT_EQ(validation_grid(true).size(), 4u); }

TEST(CalibratePlan, CachesSeriesReachesFarBeyondTheL3) {
  for (const PlanSizes& m : kMachines) {
    const auto plan = fit_plan(m, false);
    const Series& caches = plan.front();
    EXPECT_EQ(caches.name, "caches");
    EXPECT_GE(caches.points.back().ws, std::min<uint64_t>(4 * m.l3_bytes, 1024 * MiB));
    EXPECT_LE(caches.points.front().ws, m.l1d_bytes / 2);
    for (const WalkPoint& p : caches.points) {
      EXPECT_EQ(p.npad, kLineNpad);
      EXPECT_EQ(p.page, PageSize::k2M);
    }
  }
}

TEST(CalibratePlan, CachesSeriesStopsAtAQuarterOfTheMemoryAvailable) {
  PlanSizes big = kMachines[0];               // a 300 MiB L3: four times it is 1.2 GiB
  EXPECT_EQ(caches_max_ws(big), 1024 * MiB);  // memory not known: 1 GiB
  big.memory_available = 20480 * MiB;
  EXPECT_EQ(caches_max_ws(big), 2048 * MiB);
  big.memory_available = 3000 * MiB;
  EXPECT_EQ(caches_max_ws(big), 512 * MiB);
  EXPECT_EQ(parse_mem_available("MemTotal: 100 kB\nMemAvailable:    2048 kB\n"), 2048u * 1024);
  EXPECT_EQ(parse_mem_available("MemTotal: 100 kB\n"), 0u);
}

TEST(CalibratePlan, TlbSeriesPassesFourTimesTheL2TlbReach) {
  for (const PlanSizes& m : kMachines) {
    const auto plan = fit_plan(m, false);
    const Series& tlb = plan[2];
    EXPECT_EQ(tlb.name, "tlb-4k");
    EXPECT_GE(tlb.points.back().ws / (8 * (kPageNpad + 1)), 4u * m.l2_tlb_entries);
  }
}

TEST(CalibratePlan, StreamIsOneLapOfItsSet) {
  const auto plan = fit_plan(kMachines[1], false);
  ASSERT_EQ(plan[4].name, "stream");
  const WalkPoint& s = plan[4].points.front();
  EXPECT_EQ(s.order, ListWalkSpec::Order::kSeq);
  EXPECT_EQ(s.steps, s.ws / 64);
}

TEST(CalibratePlan, StrideWalksOneLineInThreeFarBeyondTheL3) {
  const auto plan = fit_plan(kMachines[1], false);
  ASSERT_EQ(plan.back().name, "stride");
  const WalkPoint& s = plan.back().points.front();
  EXPECT_EQ(s.order, ListWalkSpec::Order::kSeq);
  EXPECT_EQ(8 * (s.npad + 1), 192u);
  EXPECT_EQ(s.ws, plan[4].points.front().ws);  // as far out as the stream
  for (const WalkPoint& v : validation_grid(false)) EXPECT_NE(v.npad, s.npad);
}

TEST(CalibratePlan, PointKeyNamesWorkingSetOrderPadAndPage) {
  const WalkPoint p{1536 * KiB, ListWalkSpec::Order::kRandom, 15, PageSize::k4K, 1000};
  EXPECT_EQ(p.key(), "1536KiB/random/npad15/4k");
}

}  // namespace
}  // namespace memvirt
