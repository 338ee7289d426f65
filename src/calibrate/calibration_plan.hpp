#pragma once
// What `memvirt calibrate` measures: the list walks its fit reads (series of working sets, each
// series one kind of walk) and, apart from them, the held-out grid `--validate` checks the
// preset on. Pure: the plan follows from a few sizes of the machine.
#include <cstdint>
#include <string>
#include <vector>

#include "arch/page_size.hpp"
#include "workload/spec.hpp"

namespace memvirt {

// One measured (and, for validation, predicted) list walk.
struct WalkPoint {
  uint64_t ws = 0;
  ListWalkSpec::Order order = ListWalkSpec::Order::kRandom;
  unsigned npad = 7;
  PageSize page = PageSize::k2M;
  uint64_t steps = 1'000'000;

  ListWalkSpec spec() const { return {ws, npad, order, steps}; }
  // "24KiB/random/npad15/4k": what the point is, without its step count.
  std::string key() const;
  friend bool operator==(const WalkPoint&, const WalkPoint&) = default;
};

// The pad the fit's walks use: npad=7 makes an element one 64-byte line, and npad=519 a
// 4160-byte element, so that each element is on a page of its own while its one line lands on a
// different line offset of each page (519 = 512 + 7: no two elements share a cache set by their
// page offset, as npad=511 would make them).
inline constexpr unsigned kLineNpad = 7;
inline constexpr unsigned kPageNpad = 519;
// A 192-byte element: a stride of three lines, neither the validation grid's npad nor a power of
// two.
inline constexpr unsigned kStrideNpad = 23;

// The sizes the plan is drawn from (CPUID's, or the base preset's where CPUID says nothing).
struct PlanSizes {
  uint64_t l1d_bytes = 32 << 10;
  uint64_t l2_bytes = 1 << 20;
  uint64_t l3_bytes = 32 << 20;
  uint32_t l1_tlb_entries = 64;  // 4 KiB pages
  uint32_t l2_tlb_entries = 2048;
  uint64_t memory_available = 0;  // MemAvailable of /proc/meminfo; 0: not known
};

struct Series {
  std::string name;     // "caches", "caches-4k", "tlb-4k", "tlb-2m", "stream", "stride"
  std::string purpose;  // one sentence for the report and the preset
  std::vector<WalkPoint> points;
};

// caches: random npad=7 walks with 2 MiB pages from 16 KiB to far beyond the L3 (plateaus of
//   L1, L2, the LLC share and memory); caches-4k: the same with 4 KiB pages, every factor of two
//   (what the TLB adds, recorded and reported); tlb-4k / tlb-2m: random npad=519 walks whose lines stay
//   in L1/L2 while their pages outgrow the TLBs; stream: one sequential npad=7 lap of a set far
//   beyond the L3 (cycles per line from memory); stride: a sequential npad=23 walk as far out
//   (how far ahead the stride prefetcher runs). `quick`: a few points of each, few steps.
std::vector<Series> fit_plan(const PlanSizes& sizes, bool quick);

// Held out from every fit series: npad 1 and 15, working sets 1.5 x 4^k (24 KiB .. 768 MiB),
// seq and random, 4 KiB and 2 MiB pages; the two largest sets with npad=15 only, since a chain
// of 16-byte elements over hundreds of MiB takes seconds to lay out.
std::vector<WalkPoint> validation_grid(bool quick);

// The largest working set of the caches series: four times the L3, at least 256 MiB, at most
// 2 GiB (the chain over it is written in a few seconds) and a quarter of the memory available
// (1 GiB when that is not known).
uint64_t caches_max_ws(const PlanSizes& sizes);

// MemAvailable from /proc/meminfo's text, in bytes; 0 if it is not there.
uint64_t parse_mem_available(const std::string& meminfo);

}  // namespace memvirt
