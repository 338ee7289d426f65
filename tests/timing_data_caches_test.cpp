// The data caches' memory channel (bandwidth) and frame placement (page colours).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "sim/engine.hpp"
#include "timing/cpu_model.hpp"
#include "timing/data_caches.hpp"
#include "workload/spec.hpp"

namespace memvirt {
namespace {

constexpr uint64_t kLine = 64;

DataCacheConfig stream_config(uint32_t line_cycles) {
  DataCacheConfig c;
  c.levels = {{64 * 64, 8, 4}};
  c.memory_latency = 100;
  c.prefetch_degree = 2;
  c.memory_line_cycles = line_cycles;
  return c;
}

// Loads lines 0.. in order, each issued `gap` cycles after the previous one's value is usable
// (the work a loop does between its loads); returns costs.
std::vector<uint32_t> stream(DataCaches& d, int lines, uint64_t gap = 0) {
  std::vector<uint32_t> cost;
  uint64_t now = 0;
  for (int i = 0; i < lines; ++i) {
    cost.push_back(d.load({HostPhys(kLine * static_cast<uint64_t>(i)), now, PageSize::k4K, true}));
    now += cost.back() + gap;
  }
  return cost;
}

TEST(TimingDataCaches, APrefetchHidesOnlyTheTimeItIsAhead) {
  DataCaches d(stream_config(0));
  // Lines 0 and 1 miss; line 1 starts the stream, and lines 2 and 3 are asked for at 100,
  // arriving at 200 from memory: both are there when wanted. Line 4 is asked for at 200 (by the
  // load of line 2) and wanted at 208: 92 cycles to wait. Two lines ahead, a stream with no work
  // between its loads pays one memory latency per two lines.
  EXPECT_EQ(stream(d, 8), (std::vector<uint32_t>{100, 100, 4, 4, 92, 4, 4, 92}));
  EXPECT_EQ(d.stats().stall_cycles, 88u + 88);
}

TEST(TimingDataCaches, AStreamSlowerThanMemoryFindsEveryPrefetchedLineThere) {
  DataCaches d(stream_config(0));
  // 60 cycles of work a line: two lines ahead is 128 cycles ahead, more than memory takes.
  EXPECT_EQ(stream(d, 8, 60), (std::vector<uint32_t>{100, 100, 4, 4, 4, 4, 4, 4}));
  EXPECT_EQ(d.stats().stall_cycles, 0u);
}

TEST(TimingDataCaches, AStreamAheadOfTheChannelWaitsForItsLines) {
  DataCaches d(stream_config(80));
  // The channel delivers a line per 80 cycles; the loop would take 64 (4 + 60 of work). Line 0
  // holds the channel until 80, line 1 until 240; line 2 is booked then (ready 340) and wanted at
  // 320, line 3 booked at 320 (ready 420) and wanted at 400, and so on: every line waits 16
  // cycles beyond L1's 4, and the stream runs at the channel's pace, one line per 80 cycles.
  EXPECT_EQ(stream(d, 10, 60), (std::vector<uint32_t>{100, 100, 20, 20, 20, 20, 20, 20, 20, 20}));
  EXPECT_EQ(d.stats().stall_cycles, 8u * 16);
}

// Loads every `stride`-th line from 0, each issued `gap` cycles after the previous one's value
// is usable.
std::vector<uint32_t> strided(DataCaches& d, uint64_t stride, int loads, uint64_t gap = 0) {
  std::vector<uint32_t> cost;
  uint64_t now = 0;
  for (int i = 0; i < loads; ++i) {
    const HostPhys at(kLine * stride * static_cast<uint64_t>(i));
    cost.push_back(d.load({at, now, PageSize::k4K, true}));
    now += cost.back() + gap;
  }
  return cost;
}

TEST(TimingDataCaches, AStrideSeenTwiceIsPrefetched) {
  DataCaches d(stream_config(0));
  // Lines 0, 2, 4 miss (the stride of 2 is seen at 2 and confirmed at 4, which then asks for 6
  // and 8); with 60 cycles of work a load, every line from 6 on is there when wanted.
  EXPECT_EQ(strided(d, 2, 7, 60), (std::vector<uint32_t>{100, 100, 100, 4, 4, 4, 4}));
}

TEST(TimingDataCaches, TheStreamerRunsFarAheadOfADenseStreamIntoL2Only) {
  DataCacheConfig c = stream_config(0);
  c.levels = {{64 * 64, 8, 4}, {64 * 1024, 8, 12}};
  DataCaches d(c);
  stream(d, 4, 60);
  // Lines 0 to 3 read: the stride prefetcher asked for two lines into L1, the streamer for
  // lines far beyond into L2. Line 100 is in L2, not in L1: a load of it costs L2's latency.
  const uint64_t later = 100'000;
  EXPECT_EQ(d.load({HostPhys(kLine * 100), later, PageSize::k4K, false}), 12u);
  EXPECT_EQ(d.load({HostPhys(kLine * 100), later, PageSize::k4K, false}), 4u);
  EXPECT_GE(d.stats().prefetches, 100u);
}

TEST(TimingDataCaches, StridesBeyondAQuarterPageAreNotFollowed) {
  DataCaches d(stream_config(0));
  EXPECT_EQ(strided(d, 17, 5), (std::vector<uint32_t>{100, 100, 100, 100, 100}));
  EXPECT_EQ(d.stats().prefetches, 0u);
}

TEST(TimingDataCaches, DemandMissesQueueOnTheChannel) {
  DataCaches d(stream_config(10));
  EXPECT_EQ(d.load({HostPhys(0x10000), 0, PageSize::k4K, false}), 100u);
  EXPECT_EQ(d.load({HostPhys(0x20000), 0, PageSize::k4K, false}), 110u);  // behind the first
  EXPECT_EQ(d.load({HostPhys(0x30000), 50, PageSize::k4K, false}), 100u);  // channel idle again
}

// An L2 of 16 page colours, direct mapped: 16 frames fit in it exactly when their colours differ.
DataCacheConfig colour_config(bool scattered, uint64_t seed) {
  DataCacheConfig c;
  c.levels = {{64 * 2, 2, 4}, {64 * 1024, 1, 12}};
  c.memory_latency = 100;
  c.scattered_frames = scattered;
  c.placement_seed = seed;
  return c;
}

// L2 hits when the first line of each of 16 consecutive frames is loaded a second time.
int second_pass_hits(DataCaches& d, PageSize frame) {
  for (int pass = 0; pass < 2; ++pass)
    for (uint64_t f = 0; f < 16; ++f) d.load({HostPhys(f << 12), 0, frame, false});
  return static_cast<int>(d.stats().hits[1]);
}

TEST(TimingDataCaches, InOrderFramesTakeEveryColourOnce) {
  DataCaches d(colour_config(false, 1));
  EXPECT_EQ(second_pass_hits(d, PageSize::k4K), 16);
}

TEST(TimingDataCaches, ScatteredFramesCollideOnRandomColours) {
  // 16 random colours out of 16 are all different with probability 16!/16^16, about 1e-6:
  // some frames share a set and evict each other.
  DataCaches a(colour_config(true, 1));
  const int hits = second_pass_hits(a, PageSize::k4K);
  EXPECT_LT(hits, 16);
  DataCaches again(colour_config(true, 1));
  EXPECT_EQ(second_pass_hits(again, PageSize::k4K), hits);  // the same seed, the same colours
}

TEST(TimingDataCaches, ScatteringLeavesHugeFramesContiguous) {
  DataCaches d(colour_config(true, 1));
  EXPECT_EQ(second_pass_hits(d, PageSize::k2M), 16);
}

TEST(TimingDataCaches, AScatteredFrameKeepsItsLinesInDistinctSets) {
  DataCaches d(colour_config(true, 7));
  for (int pass = 0; pass < 2; ++pass)
    for (uint64_t l = 0; l < 64; ++l) d.load({HostPhys(0x5000 + l * kLine), 0, PageSize::k4K, false});
  EXPECT_EQ(d.stats().hits[1], 64u);  // no line of the frame evicted another
}

// Data cycles per warm step of a 768 KiB random walk on Zen 4 (L2: 1 MiB, 8-way): the
// difference of two runs, so that the first lap's cold misses cancel out.
double warm_data_cycles(FramePlacement frames) {
  SimConfig c;
  c.cpu = std::make_shared<const CpuModel>(load_cpu_model("zen4"));
  c.tlb = tlb_config_for(c.cpu->tlb);
  c.frames = frames;
  auto data = [&](int steps) {
    const std::string spec = "listwalk:ws=768KiB,npad=7,order=random,steps=" + std::to_string(steps);
    return simulate(c, parse_workload_spec(spec)).cycles[CycleCategory::kData];
  };
  return static_cast<double>(data(100000) - data(40000)) / 60000;
}

TEST(TimingDataCaches, ScatteredFramesMakeAWalkThatFitsTheL2Miss) {
  // In order, 768 KiB fill every L2 set to 6 of its 8 ways: L2 hits (14 cycles). Scattered,
  // the sets that get more than 8 of its lines miss to the L3 on every lap.
  const double in_order = warm_data_cycles(FramePlacement::kInOrder);
  EXPECT_LT(in_order, 15.0);
  EXPECT_GT(warm_data_cycles(FramePlacement::kScattered), in_order * 1.5);
}

TEST(TimingDataCaches, EveryAccessAndWalkReferenceIsOneLoad) {
  for (PagingMode mode : {PagingMode::kNative, PagingMode::kNested}) {
    SimConfig c;
    c.mode = mode;
    c.cpu = std::make_shared<const CpuModel>(load_cpu_model("zen3"));
    c.tlb = tlb_config_for(c.cpu->tlb);
    const RunResult r =
        simulate(c, parse_workload_spec("listwalk:ws=4MiB,npad=7,order=random,steps=20000"));
    uint64_t loads = r.caches.memory;
    for (uint64_t h : r.caches.hits) loads += h;
    EXPECT_EQ(r.caches.hits.size(), 3u);
    EXPECT_EQ(loads, r.accesses + r.walk_refs) << paging_mode_name(mode);
  }
}

}  // namespace
}  // namespace memvirt
