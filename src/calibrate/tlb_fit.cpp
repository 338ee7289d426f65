#include "calibrate/tlb_fit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "calibrate/calibration_plan.hpp"

namespace memvirt {
namespace {

constexpr uint64_t kElementBytes = 8 * (uint64_t{kPageNpad} + 1);
// A splintered 2 MiB guest page walks a guest level fewer than a 4 KiB one (three guest levels
// and the nested ones), so it pays less than the 4 KiB rise: half of it on the Zen 4 guest whose
// outer pages were known to be 4 KiB. Unsplintered, it pays only what the data adds.
constexpr double kSplinteredShare = 0.35;
// Pages beyond the L2 TLB where every step walks (a cyclic walk over more pages than an LRU-like
// TLB holds misses on every step), close enough that the lines still fit the L2 with room to
// spare: further out, scattered frames start to crowd L2 sets and the data's misses join in.
constexpr double kWalkReach = 1.5;
constexpr double kUnsplinteredShare = 0.15;

// The working sets whose elements occupy [lo_pages, hi_pages] pages.
uint64_t ws_of_pages(double pages) { return static_cast<uint64_t>(pages * kElementBytes); }

double level_between(const Curve& c, double lo_pages, double hi_pages, const std::string& what,
                     uint64_t& lo, uint64_t& hi) {
  lo = ws_of_pages(lo_pages);
  hi = ws_of_pages(hi_pages);
  const auto m = median_between(c, lo, hi);
  if (!m)
    throw FitError(
        fmt::format("no point of the tlb-4k series for {} (working sets {} to {}, "
                    "{:.0f} to {:.0f} pages)",
                    what, size_text(lo), size_text(hi), lo_pages, hi_pages));
  return *m;
}

// The first point at or beyond `ws`, else the largest.
const CurveSample* at_or_beyond(const Curve& c, uint64_t ws) {
  const CurveSample* best = nullptr;
  for (const CurveSample& p : c)
    if (p.ws_bytes >= ws && (!best || p.ws_bytes < best->ws_bytes)) best = &p;
  if (best) return best;
  for (const CurveSample& p : c)
    if (!best || p.ws_bytes > best->ws_bytes) best = &p;
  return best;
}

std::optional<double> value_at(const Curve& c, uint64_t ws) {
  for (const CurveSample& p : c)
    if (p.ws_bytes == ws) return p.value;
  return std::nullopt;
}

}  // namespace

uint64_t pages_of(uint64_t ws) { return ws / kElementBytes; }

TlbReading read_tlb_curve(const Curve& c, const TlbSizes& s) {
  TlbReading r;
  const double l1 = s.l1_entries, l2 = s.l2_entries;
  // 8 pages at least: fewer elements make a cycle too short to be random.
  r.l1_hit_level = level_between(c, 8, l1 / 2, "L1 TLB hits", r.l1_lo, r.l1_hi);
  const double l2_top = std::min<double>(l2, static_cast<double>(s.l1d_lines)) / 2;
  r.l2_hit_level = level_between(c, 2 * l1, std::max(l2_top, 2 * l1),
                                 "L2 TLB hits with the lines in "
                                 "the L1D",
                                 r.l2_lo, r.l2_hi);
  r.l2_hit_cycles = std::max(0.0, r.l2_hit_level - r.l1_hit_level);
  const CurveSample* walk = at_or_beyond(c, ws_of_pages(kWalkReach * l2));
  if (!walk) throw FitError("the tlb-4k series is empty");
  r.walk_ws = walk->ws_bytes;
  r.walk_level = walk->value;
  if (r.l2_hit_level > r.l1_hit_level) {
    const double threshold = r.l1_hit_level * std::pow(r.l2_hit_level / r.l1_hit_level, 0.5);
    if (const auto ws = crossing(c, r.l1_lo, threshold)) r.l1_reach_pages = pages_of(*ws);
  }
  return r;
}

OuterPageTest outer_page_test(const Curve& tlb_2m, const Curve& tlb_4k, const TlbSizes& s) {
  OuterPageTest t;
  // a: pages within the L2 TLB (half its reach), lines out of the L1D if that leaves room; b:
  // beyond the L2 TLB, every step walking. Both points must be measured with both page sizes.
  const uint64_t a_target = ws_of_pages(std::min<double>(
      s.l2_entries / 2.0, std::max<double>(2.0 * s.l1d_lines, 2.0 * s.l1_entries)));
  const uint64_t b_target = ws_of_pages(kWalkReach * s.l2_entries);
  const CurveSample *a = nullptr, *b = nullptr;
  for (const CurveSample& p : tlb_2m) {
    if (!value_at(tlb_4k, p.ws_bytes)) continue;
    if (p.ws_bytes <= a_target && (!a || p.ws_bytes > a->ws_bytes)) a = &p;
    if (p.ws_bytes >= b_target && (!b || p.ws_bytes < b->ws_bytes)) b = &p;
  }
  if (!a || !b) {
    t.why = fmt::format(
        "no working sets measured with both page sizes at or below {} and at or "
        "beyond {}",
        size_text(a_target), size_text(b_target));
    return t;
  }
  t.a_ws = a->ws_bytes;
  t.b_ws = b->ws_bytes;
  t.rise_2m = b->value / a->value;
  t.rise_4k = *value_at(tlb_4k, t.b_ws) / *value_at(tlb_4k, t.a_ws);
  const std::string figures = fmt::format(
      "from {} to {} ({} to {} pages) the cost rises {:.2f}x with 2 MiB pages and "
      "{:.2f}x with 4 KiB pages",
      size_text(t.a_ws), size_text(t.b_ws), pages_of(t.a_ws), pages_of(t.b_ws), t.rise_2m,
      t.rise_4k);
  if (t.rise_4k < 1.2) {
    t.why = figures + ": the 4 KiB curve shows too little walk cost to compare with";
    return t;
  }
  const double share = (t.rise_2m - 1) / (t.rise_4k - 1);
  if (share >= kSplinteredShare) {
    t.verdict = OuterPage::k4K;
    t.why = figures + fmt::format(
                          ": the 2 MiB pages pay {:.0f}% of the 4 KiB walk cost, so they are "
                          "splintered into 4 KiB outer pages",
                          100 * share);
  } else if (share <= kUnsplinteredShare) {
    t.verdict = OuterPage::kLarge;
    t.why = figures + fmt::format(
                          ": the 2 MiB pages pay {:.0f}% of the 4 KiB walk cost, so the "
                          "outer pages are 2 MiB (or larger)",
                          100 * std::max(share, 0.0));
  } else {
    t.why = figures + fmt::format(": {:.0f}% of the 4 KiB walk cost is neither", 100 * share);
  }
  return t;
}

}  // namespace memvirt
