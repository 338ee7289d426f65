// The PRNG and the uniform random access workload.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "workload/random_access.hpp"
#include "workload/rng.hpp"
#include "workload/spec.hpp"
#include "workload/workload.hpp"

namespace memvirt {
namespace {

TEST(WorkloadRng, SplitMix64MatchesReferenceOutputs) {
  uint64_t state = 0;
  EXPECT_EQ(splitmix64(state), 0xe220a8397b1dcdafu);
  EXPECT_EQ(splitmix64(state), 0x6e789e6aa1b965f4u);
  EXPECT_EQ(splitmix64(state), 0x06c45d188009454fu);
  EXPECT_EQ(splitmix64(state), 0xf88bb8a8724c81ecu);
}

TEST(WorkloadRng, Xoshiro256StarStarMatchesReferenceOutputs) {
  Rng rng = Rng::from_state({1, 2, 3, 4});
  EXPECT_EQ(rng.next_u64(), 11520u);
  EXPECT_EQ(rng.next_u64(), 0u);
  EXPECT_EQ(rng.next_u64(), 1509978240u);
  EXPECT_EQ(rng.next_u64(), 1215971899390074240u);
}

TEST(WorkloadRng, SeedOneStreamIsPinned) {
  Rng rng(1);
  EXPECT_EQ(rng.next_u64(), 0xb3f2af6d0fc710c5u);
  EXPECT_EQ(rng.next_u64(), 0x853b559647364ceau);
  EXPECT_EQ(rng.next_u64(), 0x92f89756082a4514u);
}

TEST(WorkloadRng, NextBelowStaysInRangeAndIsEven) {
  Rng rng(3);
  EXPECT_EQ(rng.next_below(1), 0u);
  std::array<int, 10> counts{};
  for (int i = 0; i < 100000; ++i) {
    const uint64_t x = rng.next_below(10);
    ASSERT_LT(x, 10u);
    ++counts[x];
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 500);
  const uint64_t big = (uint64_t{1} << 63) + 1;  // rejection is taken about half the time
  for (int i = 0; i < 1000; ++i) ASSERT_LT(rng.next_below(big), big);
}

TEST(WorkloadRng, NextUnitIsInHalfOpenUnitInterval) {
  Rng rng(4);
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    const double u = rng.next_unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / 100000, 0.5, 0.01);
}

RandomSpec random_spec(uint64_t ws, uint64_t steps, double write) {
  RandomSpec s;
  s.ws = ws;
  s.steps = steps;
  s.write = write;
  return s;
}

std::vector<Event> drain(Workload& w, size_t batch) {
  std::vector<Event> all;
  std::vector<Event> buf(batch);
  while (size_t n = w.next(buf)) all.insert(all.end(), buf.begin(), buf.begin() + n);
  return all;
}

std::vector<Event> events(const RandomSpec& s, uint64_t seed, size_t batch = 4096) {
  RandomAccess w(s, WorkloadContext{PageSize::k4K, seed});
  return drain(w, batch);
}

// Addresses and kinds, the parts of an access that a generator decides.
std::vector<std::pair<uint64_t, EventKind>> accesses(const std::vector<Event>& ev) {
  std::vector<std::pair<uint64_t, EventKind>> out;
  for (const Event& e : ev) out.emplace_back(e.addr.raw(), e.kind);
  return out;
}

TEST(RandomAccess, EmitsOneMmapThenStepsAlignedAccessesInsideWorkingSet) {
  const std::vector<Event> ev = events(random_spec(12000, 1000, 0.5), 1);
  ASSERT_EQ(ev.size(), 1001u);
  EXPECT_EQ(ev[0].kind, EventKind::kMmap);
  EXPECT_EQ(ev[0].addr, GuestVirt(kWorkloadRegionBase));
  EXPECT_EQ(ev[0].length, 12288u);
  EXPECT_EQ(ev[0].prot, kProtRead | kProtWrite);
  for (size_t i = 1; i < ev.size(); ++i) {
    EXPECT_TRUE(ev[i].kind == EventKind::kRead || ev[i].kind == EventKind::kWrite);
    EXPECT_EQ(ev[i].pid, 0u);
    const uint64_t offset = ev[i].addr.raw() - kWorkloadRegionBase;
    EXPECT_LT(offset, 12000u);
    EXPECT_EQ(offset % 8, 0u);
  }
}

TEST(RandomAccess, MmapUsesTheContextPageSize) {
  RandomAccess w(random_spec(8, 1, 0), WorkloadContext{PageSize::k1G, 1});
  const std::vector<Event> ev = drain(w, 8);
  EXPECT_EQ(ev[0].page, PageSize::k1G);
  EXPECT_EQ(ev[0].length, uint64_t{1} << 30);
}

TEST(RandomAccess, TouchesEveryWordOfASmallWorkingSet) {
  const std::vector<Event> ev = events(random_spec(64 * 8, 10000, 0), 1);
  std::vector<bool> hit(64, false);
  for (size_t i = 1; i < ev.size(); ++i) hit[(ev[i].addr.raw() - kWorkloadRegionBase) / 8] = true;
  EXPECT_EQ(std::count(hit.begin(), hit.end(), true), 64);
}

TEST(RandomAccess, WriteFractionIsCloseToTheSpec) {
  for (double write : {0.1, 0.3, 0.75}) {
    const std::vector<Event> ev = events(random_spec(1 << 20, 100000, write), 1);
    const auto writes = std::count_if(ev.begin(), ev.end(),
                                      [](const Event& e) { return e.kind == EventKind::kWrite; });
    EXPECT_NEAR(static_cast<double>(writes) / 100000, write, 0.01) << write;
  }
}

TEST(RandomAccess, WriteZeroOnlyReadsAndWriteOneOnlyWrites) {
  const std::vector<Event> reads = events(random_spec(4096, 1000, 0.0), 1);
  const std::vector<Event> writes = events(random_spec(4096, 1000, 1.0), 1);
  for (size_t i = 1; i < reads.size(); ++i) {
    EXPECT_EQ(reads[i].kind, EventKind::kRead);
    EXPECT_EQ(writes[i].kind, EventKind::kWrite);
  }
}

TEST(RandomAccess, WriteFractionDoesNotMoveTheAddresses) {
  const std::vector<Event> a = events(random_spec(1 << 16, 2000, 0.0), 6);
  const std::vector<Event> b = events(random_spec(1 << 16, 2000, 0.7), 6);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].addr, b[i].addr);
}

TEST(RandomAccess, SameSeedSameStreamDifferentSeedDifferentStream) {
  const RandomSpec s = random_spec(1 << 20, 5000, 0.5);
  EXPECT_EQ(accesses(events(s, 3)), accesses(events(s, 3)));
  EXPECT_NE(accesses(events(s, 3)), accesses(events(s, 4)));
}

TEST(RandomAccess, BatchSizeDoesNotChangeTheStream) {
  const RandomSpec s = random_spec(1 << 20, 10000, 0.4);
  const auto whole = accesses(events(s, 2, 4096));
  EXPECT_EQ(accesses(events(s, 2, 1)), whole);
  EXPECT_EQ(accesses(events(s, 2, 7)), whole);
  EXPECT_EQ(whole.size(), 10001u);
}

TEST(RandomAccess, MakeWorkloadBuildsItFromTheSpec) {
  const WorkloadSpec spec = parse_workload_spec("random:ws=64KiB,steps=500,write=0.5");
  const auto w = make_workload(spec, WorkloadContext{PageSize::k4K, 8});
  EXPECT_EQ(accesses(drain(*w, 64)), accesses(events(std::get<RandomSpec>(spec), 8)));
}

}  // namespace
}  // namespace memvirt
