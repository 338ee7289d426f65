// The staircase fit on made-up latency curves: it recovers the plateaus' latencies and the
// capacities where they end, through noise and soft cliffs, and refuses curves without the
// expected shape, naming the level whose plateau is missing.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "calibrate/step_fit.hpp"

namespace memvirt {
namespace {

constexpr uint64_t KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;

struct Level {
  double cycles;
  uint64_t capacity;  // the last level's is ignored
};

// 2^k and 1.25 x 2^k from 16 KiB to 1 GiB, as the calibration samples.
std::vector<uint64_t> grid() {
  std::vector<uint64_t> ws;
  for (uint64_t p = 16 * KiB; p <= GiB; p *= 2) {
    ws.push_back(p);
    if (p + p / 4 <= GiB) ws.push_back(p + p / 4);
  }
  return ws;
}

// A deterministic +-amplitude wobble, so that the test sees noise but always the same noise.
double noise(size_t i, double amplitude) {
  uint64_t x = (i + 1) * 0x9E3779B97F4A7C15ull;
  x ^= x >> 29;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 32;
  return 1 + amplitude * (static_cast<double>(x % 2001) / 1000.0 - 1.0);
}

// Sharp steps (a cache that keeps a set until it no longer fits), or, `soft`, random
// replacement's C/W of hits beyond each capacity.
Curve staircase(const std::vector<Level>& levels, double amplitude, bool soft = false) {
  Curve c;
  const std::vector<uint64_t> ws = grid();
  for (size_t i = 0; i < ws.size(); ++i) {
    const double w = static_cast<double>(ws[i]);
    double cost = levels.back().cycles;
    for (size_t l = levels.size() - 1; l-- > 0;) {
      const double c_l = static_cast<double>(levels[l].capacity);
      if (soft) {
        const double hit = std::min(1.0, c_l / w);
        cost = hit * levels[l].cycles + (1 - hit) * cost;
      } else if (w <= c_l) {
        cost = levels[l].cycles;
      }
    }
    c.push_back({ws[i], cost * noise(i, amplitude)});
  }
  return c;
}

const std::vector<LevelHint> kHints = {{"L1D", 0, 48 * KiB},
                                       {"L2", 20 * KiB, 1536 * KiB},
                                       {"LLC", 700 * KiB, 48 * MiB},
                                       {"memory", 2 * MiB}};
const std::vector<Level> kZenLike = {{4, 32 * KiB}, {14, 1 * MiB}, {50, 16 * MiB}, {400, 0}};

std::string fit_error(const Curve& c) {
  try {
    fit_levels(c, kHints);
  } catch (const FitError& e) {
    return e.what();
  }
  return "";
}

TEST(CalibrateFit, SharpStairsGiveEachPlateauAndWhereItEnds) {
  const auto f = fit_levels(staircase(kZenLike, 0.03), kHints);
  ASSERT_EQ(f.size(), 4u);
  const std::vector<std::string> names = {"L1D", "L2", "LLC", "memory"};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(f[i].name, names[i]);
    EXPECT_NEAR(f[i].plateau.value, kZenLike[i].cycles, 0.04 * kZenLike[i].cycles) << names[i];
  }
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(f[i].capacity) << names[i];
    // The cliff lies between the last sample that fits and the first that does not.
    EXPECT_GE(*f[i].capacity, kZenLike[i].capacity) << names[i];
    EXPECT_LT(*f[i].capacity, kZenLike[i].capacity * 5 / 4) << names[i];
    EXPECT_EQ(f[i].cliff_below, kZenLike[i].capacity) << names[i];
    EXPECT_EQ(f[i].cliff_above, kZenLike[i].capacity * 5 / 4) << names[i];
  }
  EXPECT_FALSE(f[3].capacity);
}

TEST(CalibrateFit, CapacitiesBetweenSamplesAreBracketed) {
  const std::vector<Level> levels = {{5, 48 * KiB}, {16, 2 * MiB}, {70, 40 * MiB}, {300, 0}};
  const std::vector<LevelHint> hints = {{"L1D", 0, 72 * KiB},
                                        {"L2", 32 * KiB, 3 * MiB},
                                        {"LLC", 1 * MiB, 450 * MiB},
                                        {"memory", 4 * MiB}};
  const auto f = fit_levels(staircase(levels, 0.05), hints);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_LE(f[i].cliff_below, levels[i].capacity);
    EXPECT_GT(f[i].cliff_above, levels[i].capacity);
    EXPECT_NEAR(f[i].plateau.value, levels[i].cycles, 0.06 * levels[i].cycles);
  }
}

TEST(CalibrateFit, SoftCliffsOfRandomReplacementStillPlaceTheCapacity) {
  const auto f = fit_levels(staircase(kZenLike, 0.02, true), kHints);
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(f[i].capacity);
    const double ratio = static_cast<double>(*f[i].capacity) / kZenLike[i].capacity;
    EXPECT_GT(ratio, 0.8) << f[i].name;
    EXPECT_LT(ratio, 1.6) << f[i].name;
  }
  EXPECT_NEAR(f[0].plateau.value, 4, 0.3);
}

TEST(CalibrateFit, SpikeInsideAPlateauDoesNotSplitIt) {
  Curve c = staircase(kZenLike, 0.0);
  for (CurveSample& p : c)
    if (p.ws_bytes == 4 * MiB) p.value *= 1.6;  // one disturbed run on the LLC plateau
  const auto f = fit_levels(c, kHints);
  EXPECT_NEAR(f[2].plateau.value, 50, 1);
  EXPECT_NEAR(f[3].plateau.value, 400, 1);
}

// Recorded on an Emerald Rapids guest (2 vCPUs, L2 2 MiB, L3 300 MiB shared with other tenants),
// core cycles per step of the caches series. Beyond 8 MiB the walks of splintered pages come on
// top of the misses and keep rising with the set: stretches that are a level apart by less than
// a factor 1.5 are one plateau, so the rising memory stretch is not taken for two levels.
TEST(CalibrateFit, RecordedGuestCurveKeepsItsRisingMemoryStretchOneLevel) {
  const Curve c = {{16384, 5.2},       {20480, 5.2},       {32768, 5.7},       {40960, 5.5},
                   {65536, 16.2},      {81920, 16.9},      {131072, 16.8},     {163840, 17.2},
                   {262144, 17.6},     {327680, 18.1},     {524288, 20.3},     {655360, 21.9},
                   {1048576, 27.3},    {1310720, 36.2},    {2097152, 96.8},    {2621440, 92.2},
                   {4194304, 121.3},   {5242880, 123.9},   {8388608, 122.6},   {10485760, 379.2},
                   {16777216, 401.8},  {20971520, 396.8},  {33554432, 404.4},  {41943040, 425.9},
                   {67108864, 427.3},  {83886080, 433.0},  {134217728, 459.8}, {167772160, 487.8},
                   {268435456, 520.0}, {335544320, 493.6}, {536870912, 546.1}, {671088640, 542.1},
                   {1073741824, 563.5}, {1342177280, 694.5}, {2147483648, 921.4}};
  const std::vector<LevelHint> hints = {{"L1D", 0, 72 * KiB},
                                        {"L2", 32 * KiB, 3 * MiB},
                                        {"LLC", 1365 * KiB, 450 * MiB},
                                        {"memory", 4 * MiB}};
  const auto f = fit_levels(c, hints);
  EXPECT_NEAR(f[0].plateau.value, 5.2, 0.3);
  EXPECT_NEAR(f[1].plateau.value, 17, 1);
  EXPECT_GE(f[2].plateau.last_ws, 8 * MiB);
  EXPECT_LT(f[2].plateau.value, 130);
  ASSERT_TRUE(f[2].capacity);
  EXPECT_GT(*f[2].capacity, 8 * MiB);
  EXPECT_LT(*f[2].capacity, 10 * MiB);
  EXPECT_GT(f[3].plateau.value, 380);
  EXPECT_LT(f[3].plateau.value, 560);
}

TEST(CalibrateFit, FlatCurveIsNoStaircase) {
  // One plateau from 16 KiB to 1 GiB is no L1D (at most 48 KiB), nor anything after it.
  const std::string e = fit_error(staircase({{4, 0}}, 0.02));
  EXPECT_NE(e.find("no plateau for L1D"), std::string::npos) << e;
  EXPECT_NE(e.find("16 KiB to 1 GiB"), std::string::npos) << e;
}

TEST(CalibrateFit, CurveEndingInTheFirstCacheHasNoSecondPlateau) {
  Curve c;
  for (uint64_t ws : {16 * KiB, 20 * KiB, 32 * KiB}) c.push_back({ws, 4});
  const std::string e = fit_error(c);
  EXPECT_NE(e.find("no plateau for L2"), std::string::npos) << e;
}

TEST(CalibrateFit, EverRisingCurveHasNoFirstPlateau) {
  Curve c;
  double v = 4;
  for (uint64_t ws : grid()) c.push_back({ws, v *= 1.3});
  const std::string e = fit_error(c);
  EXPECT_NE(e.find("no plateau for L1D"), std::string::npos) << e;
  EXPECT_NE(e.find("no flat stretch"), std::string::npos) << e;
}

TEST(CalibrateFit, MissingLlcIsNamed) {
  const std::string e = fit_error(staircase({{4, 32 * KiB}, {14, 1 * MiB}, {400, 0}}, 0.02));
  EXPECT_NE(e.find("no plateau for LLC"), std::string::npos) << e;
  EXPECT_NE(e.find("plateaus found"), std::string::npos) << e;
}

TEST(CalibrateFit, PlateauOutsideItsLevelsRangeIsRefused) {
  // A "first level" that lasts to 16 MiB is no L1D of at most 48 KiB.
  const std::string e = fit_error(staircase({{4, 16 * MiB}, {400, 0}}, 0.0));
  EXPECT_NE(e.find("no plateau for L1D"), std::string::npos) << e;
}

TEST(CalibrateFit, NonPositiveCostIsRefused) {
  Curve c = staircase(kZenLike, 0.0);
  c[3].value = 0;
  EXPECT_THROW(find_plateaus(c), FitError);
}

TEST(CalibrateFit, CrossingInterpolatesOnLogLogAxes) {
  const Curve c = {{1024, 10}, {4096, 40}};
  // Halfway up in log(cost) is halfway along in log(ws).
  EXPECT_EQ(crossing(c, 0, 20), 2048u);
  EXPECT_EQ(crossing(c, 0, 50), std::nullopt);
  EXPECT_EQ(crossing(c, 0, 5), 1024u);
}

TEST(CalibrateFit, MedianBetweenTakesThePointsInTheWindow) {
  const Curve c = {{1, 5}, {2, 7}, {3, 6}, {4, 100}};
  EXPECT_EQ(median_between(c, 1, 3), 6.0);
  EXPECT_EQ(median_between(c, 10, 20), std::nullopt);
}

TEST(CalibrateFit, SizeTextRoundsToOneDecimal) {
  EXPECT_EQ(size_text(48 * KiB), "48 KiB");
  EXPECT_EQ(size_text(1536 * KiB), "1.5 MiB");
  EXPECT_EQ(size_text(64), "64 B");
}

}  // namespace
}  // namespace memvirt
