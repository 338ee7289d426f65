#pragma once
// Reading the page-per-element walks (npad=519: one line on each page, the lines staying in the
// L1 or L2 data cache while the pages outgrow the TLBs): what an L2 TLB hit adds, which point
// shows walks, and, in a guest, whether the hypervisor's own pages below are 4 KiB. Pure
// functions of the curves (core cycles per step) and the TLB sizes.
#include <cstdint>
#include <optional>
#include <string>

#include "calibrate/step_fit.hpp"

namespace memvirt {

struct TlbSizes {
  uint32_t l1_entries = 64;    // first-level data TLB, 4 KiB pages
  uint32_t l2_entries = 2048;  // second-level TLB, 4 KiB pages
  uint64_t l1d_lines = 512;    // lines the L1D holds
  uint64_t l2_lines = 16384;
};

// Pages a walk over `ws` with npad=519 puts its elements on (one each).
uint64_t pages_of(uint64_t ws);

struct TlbReading {
  double l1_hit_level = 0;   // median cost with pages within the L1 TLB, lines in the L1D
  double l2_hit_level = 0;   // pages beyond the L1 TLB, within the L2 TLB, lines in the L1D
  double l2_hit_cycles = 0;  // the difference: what a hit in the L2 TLB adds
  uint64_t l1_lo = 0, l1_hi = 0, l2_lo = 0, l2_hi = 0;  // the working sets each level was read on
  uint64_t walk_ws = 0;  // a point with 1.5x the L2 TLB's pages or more: every step walks
  double walk_level = 0;
  // Where the cost leaves the L1-TLB plateau, as pages: the L1 TLB's reach as measured.
  std::optional<uint64_t> l1_reach_pages;
};

// Throws FitError naming the window that holds no measured point.
TlbReading read_tlb_curve(const Curve& tlb_4k, const TlbSizes& sizes);

enum class OuterPage { k4K, kLarge, kUnclear };

struct OuterPageTest {
  OuterPage verdict = OuterPage::kUnclear;
  uint64_t a_ws = 0, b_ws = 0;      // within the L2 TLB's 4 KiB reach; far beyond it
  double rise_2m = 0, rise_4k = 0;  // cost at b over cost at a, with 2 MiB and 4 KiB pages
  std::string why;
};

// The splintering test: with 2 MiB pages in a guest, the cost rises once the pages exceed the
// L2 TLB's 4 KiB reach only if the outer pages are 4 KiB (each 2 MiB guest page then takes 4 KiB
// TLB entries). Compares that rise with the 4 KiB curve's own: at least 35% of it: 4 KiB; at most
// 15%: 2 MiB or larger; a 4 KiB curve that hardly rises, or anything between: unclear.
OuterPageTest outer_page_test(const Curve& tlb_2m, const Curve& tlb_4k, const TlbSizes& sizes);

}  // namespace memvirt
