// Reading the page-per-element walks: the L2 TLB hit cost from made-up curves, and the
// splintering test's verdicts on the outer page size.
#include <gtest/gtest.h>

#include <string>

#include "calibrate/tlb_fit.hpp"

namespace memvirt {
namespace {

constexpr uint64_t KiB = 1024, MiB = 1024 * KiB;
constexpr uint64_t kElement = 4160;  // npad=519

// 64 L1 TLB entries, 2048 L2 TLB entries, a 48 KiB L1D (768 lines), a 2 MiB L2.
const TlbSizes kSizes{64, 2048, 768, 32768};

// Cost per step for `pages` pages: 5 (L1D hit) + 9 beyond the L1 TLB, + 11 once the lines leave
// the L1D, + `walk` beyond the L2 TLB.
double cost(uint64_t pages, double walk) {
  double c = 5;
  if (pages > kSizes.l1_entries) c += 9;
  if (pages > kSizes.l1d_lines) c += 11;
  if (pages > kSizes.l2_entries) c += walk;
  return c;
}

Curve tlb_curve(double walk) {
  Curve c;
  for (uint64_t ws = 64 * KiB; ws <= 64 * MiB; ws *= 2)
    for (uint64_t w : {ws, ws + ws / 4}) c.push_back({w, cost(w / kElement, walk)});
  return c;
}

TEST(CalibrateTlb, L2TlbHitIsTheRiseWithTheLinesStillInTheL1d) {
  const TlbReading r = read_tlb_curve(tlb_curve(30), kSizes);
  EXPECT_DOUBLE_EQ(r.l1_hit_level, 5);
  EXPECT_DOUBLE_EQ(r.l2_hit_level, 14);
  EXPECT_DOUBLE_EQ(r.l2_hit_cycles, 9);
  // The walk point's pages are at least 1.5 times the L2 TLB's entries, its lines in the L2.
  EXPECT_GE(pages_of(r.walk_ws), 3u * kSizes.l2_entries / 2);
  EXPECT_LE(pages_of(r.walk_ws), kSizes.l2_lines / 2);
  EXPECT_DOUBLE_EQ(r.walk_level, 55);
  ASSERT_TRUE(r.l1_reach_pages);
  EXPECT_GE(*r.l1_reach_pages, 60u);
  EXPECT_LE(*r.l1_reach_pages, 80u);
}

TEST(CalibrateTlb, MissingWindowIsNamed) {
  Curve c;
  for (uint64_t ws : {16 * MiB, 32 * MiB}) c.push_back({ws, 50});
  try {
    read_tlb_curve(c, kSizes);
    FAIL() << "no L1 TLB window, yet no error";
  } catch (const FitError& e) {
    EXPECT_NE(std::string(e.what()).find("L1 TLB hits"), std::string::npos) << e.what();
  }
}

TEST(CalibrateTlb, TwoMegabytePagesThatRiseLikeFourKilobytePagesAreSplintered) {
  const Curve c4k = tlb_curve(30);
  Curve c2m;
  for (const CurveSample& p : c4k) c2m.push_back({p.ws_bytes, p.value * 0.9});
  const OuterPageTest t = outer_page_test(c2m, c4k, kSizes);
  EXPECT_EQ(t.verdict, OuterPage::k4K) << t.why;
  EXPECT_GT(t.rise_4k, 1.2);
  EXPECT_NE(t.why.find("splintered"), std::string::npos);
}

TEST(CalibrateTlb, FlatTwoMegabyteCurveMeansLargeOuterPages) {
  const Curve c4k = tlb_curve(30);
  Curve c2m;
  for (const CurveSample& p : c4k) c2m.push_back({p.ws_bytes, 16});
  EXPECT_EQ(outer_page_test(c2m, c4k, kSizes).verdict, OuterPage::kLarge);
}

TEST(CalibrateTlb, HalfwayRiseIsUnclear) {
  const Curve c4k = tlb_curve(30);
  Curve c2m;
  for (const CurveSample& p : c4k) c2m.push_back({p.ws_bytes, 16 + (p.value - 16) * 0.2});
  EXPECT_EQ(outer_page_test(c2m, c4k, kSizes).verdict, OuterPage::kUnclear);
}

TEST(CalibrateTlb, NoWalkCostToCompareWithIsUnclear) {
  const Curve c4k = tlb_curve(0);
  Curve flat;
  for (const CurveSample& p : c4k) flat.push_back({p.ws_bytes, 25});
  const OuterPageTest t = outer_page_test(flat, flat, kSizes);
  EXPECT_EQ(t.verdict, OuterPage::kUnclear);
  EXPECT_NE(t.why.find("too little walk cost"), std::string::npos) << t.why;
}

}  // namespace
}  // namespace memvirt
