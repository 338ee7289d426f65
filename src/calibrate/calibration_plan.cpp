#include "calibrate/calibration_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cinttypes>
#include <cstdio>

namespace memvirt {
namespace {

using Order = ListWalkSpec::Order;
constexpr uint64_t KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;

// 2^k and 1.25 x 2^k from `lo` to `hi`: four points per factor of four, none of them of the
// validation grid's 1.5 x 4^k form.
std::vector<uint64_t> ws_grid(uint64_t lo, uint64_t hi) {
  std::vector<uint64_t> out;
  for (uint64_t p = std::bit_floor(lo); p <= hi; p *= 2)
    for (uint64_t ws : {p, p + p / 4})
      if (ws >= lo && ws <= hi) out.push_back(ws);
  return out;
}

uint64_t pow2_ceil(uint64_t v) { return std::bit_ceil(std::max<uint64_t>(v, 1)); }

// Steps per run: enough for a stable median; fewer where each step is a trip to memory.
uint64_t steps_for(uint64_t ws, bool quick) {
  if (quick) return ws >= 64 * MiB ? 50'000 : 100'000;
  return ws >= 64 * MiB ? 500'000 : 1'000'000;
}

std::vector<WalkPoint> walks(const std::vector<uint64_t>& ws, Order order, unsigned npad,
                             PageSize page, bool quick) {
  std::vector<WalkPoint> out;
  for (uint64_t w : ws) out.push_back({w, order, npad, page, steps_for(w, quick)});
  return out;
}

// Pages that the page-sized elements of a walk over `ws` occupy: one element per 4160 bytes.
uint64_t tlb_series_max(const PlanSizes& s) {
  const uint64_t reach = uint64_t{s.l2_tlb_entries} * (8 * (kPageNpad + 1));
  return std::clamp<uint64_t>(pow2_ceil(4 * reach), 32 * MiB, 256 * MiB);
}

Series caches_series(const PlanSizes& s, bool quick) {
  // Quick: memory points just far enough to be memory on most machines, laid out in a moment.
  const uint64_t top = quick ? 256 * MiB : caches_max_ws(s);
  std::vector<uint64_t> ws;
  if (quick) {
    ws = {16 * KiB,
          20 * KiB,
          pow2_ceil(s.l1d_bytes) * 4,
          pow2_ceil(s.l1d_bytes) * 5,
          pow2_ceil(s.l2_bytes) * 4,
          pow2_ceil(s.l2_bytes) * 5,
          top / 2,
          top};
  } else {
    ws = ws_grid(16 * KiB, top);
  }
  return {"caches",
          "random walks, one 64-byte line per element (npad=7), 2 MiB pages: the plateaus of L1, "
          "L2, the LLC share and memory",
          walks(ws, Order::kRandom, kLineNpad, PageSize::k2M, quick)};
}

// The same walks with 4 KiB pages, every factor of two: what the TLB adds to each level.
Series caches_4k_series(const PlanSizes& s, bool quick) {
  const uint64_t top = quick ? 256 * MiB : caches_max_ws(s);
  std::vector<uint64_t> ws;
  if (quick) {
    ws = {16 * KiB, pow2_ceil(s.l2_bytes) * 4, top};
  } else {
    for (uint64_t w = 16 * KiB; w <= top; w *= 2) ws.push_back(w);
  }
  return {"caches-4k",
          "the caches series' walks with 4 KiB pages, every factor of two: the TLB's part at each "
          "level (recorded beside the fit, not fitted on)",
          walks(ws, Order::kRandom, kLineNpad, PageSize::k4K, quick)};
}

Series tlb_series(const PlanSizes& s, PageSize page, bool quick) {
  const uint64_t top = tlb_series_max(s);
  std::vector<uint64_t> ws;
  if (page == PageSize::k4K) {
    ws = quick ? std::vector<uint64_t>{64 * KiB, 80 * KiB, 1 * MiB, 5 * MiB / 4, top / 2, top}
               : ws_grid(64 * KiB, top);
  } else {
    for (uint64_t w = 1 * MiB; w <= top; w *= quick ? 8 : 2) ws.push_back(w);
    if (ws.back() != top) ws.push_back(top);
  }
  const std::string what =
      page == PageSize::k4K ? "4 KiB pages: L1 TLB hits, L2 TLB hits, then walks"
                            : "2 MiB pages: flat unless the outer (hypervisor's) pages are 4 KiB";
  return {page == PageSize::k4K ? "tlb-4k" : "tlb-2m",
          "random walks of one line per page (npad=519), the lines staying in L1/L2, " + what,
          walks(ws, Order::kRandom, kPageNpad, page, quick)};
}

Series stream_series(const PlanSizes& s, bool quick) {
  const uint64_t ws = quick ? 64 * MiB : caches_max_ws(s);
  WalkPoint p{ws, Order::kSeq, kLineNpad, PageSize::k2M, ws / 64};  // one lap: every line once
  return {"stream",
          "one sequential lap (npad=7, 2 MiB pages) over a set far beyond the L3: cycles per "
          "line from memory",
          {p}};
}

// A sequential walk that reads one line of every three (192-byte elements) from far beyond the
// L3: how far ahead of a strided stream the stride prefetcher runs.
Series stride_series(const PlanSizes& s, bool quick) {
  const uint64_t ws = quick ? 64 * MiB : caches_max_ws(s);
  WalkPoint p{ws, Order::kSeq, kStrideNpad, PageSize::k2M, steps_for(ws, quick)};
  return {"stride",
          "a sequential walk of 192-byte elements (npad=23: one line read in three), 2 MiB "
          "pages, over a set far beyond the L3: how far ahead the stride prefetcher runs",
          {p}};
}

}  // namespace

std::string WalkPoint::key() const {
  return fmt::format("{}/{}/npad{}/{}", format_size(ws), order == Order::kSeq ? "seq" : "random",
                     npad, page_size_name(page));
}

uint64_t caches_max_ws(const PlanSizes& s) {
  const uint64_t cap =
      s.memory_available == 0
          ? 1 * GiB
          : std::clamp<uint64_t>(std::bit_floor(s.memory_available / 4), 256 * MiB, 2 * GiB);
  return std::clamp<uint64_t>(pow2_ceil(4 * s.l3_bytes), 256 * MiB, cap);
}

uint64_t parse_mem_available(const std::string& meminfo) {
  const size_t at = meminfo.find("MemAvailable:");
  if (at == std::string::npos) return 0;
  uint64_t kib = 0;
  std::sscanf(meminfo.c_str() + at, "MemAvailable: %" SCNu64, &kib);
  return kib * 1024;
}

std::vector<Series> fit_plan(const PlanSizes& sizes, bool quick) {
  return {caches_series(sizes, quick), caches_4k_series(sizes, quick),
          tlb_series(sizes, PageSize::k4K, quick), tlb_series(sizes, PageSize::k2M, quick),
          stream_series(sizes, quick), stride_series(sizes, quick)};
}

std::vector<WalkPoint> validation_grid(bool quick) {
  std::vector<WalkPoint> out;
  const uint64_t steps = quick ? 100'000 : 1'000'000;
  if (quick) {
    for (uint64_t ws : {24 * KiB, 1536 * KiB})
      for (Order order : {Order::kSeq, Order::kRandom})
        out.push_back({ws, order, 15, PageSize::k4K, steps});
    return out;
  }
  for (PageSize page : {PageSize::k4K, PageSize::k2M})
    for (unsigned npad : {1u, 15u})
      for (Order order : {Order::kSeq, Order::kRandom})
        for (uint64_t ws = 24 * KiB; ws <= 768 * MiB; ws *= ws >= 384 * MiB ? 2 : 4) {
          if (ws >= 384 * MiB && npad != 15) continue;
          out.push_back({ws, order, npad, page, steps});
        }
  return out;
}

}  // namespace memvirt
