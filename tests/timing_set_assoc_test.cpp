// The one set-associative structure behind TLBs, walk caches and data caches: exact hit/miss
// sequences under both replacement policies.
#include <gtest/gtest.h>

#include <string>

#include "timing/data_caches.hpp"
#include "timing/set_assoc.hpp"

namespace memvirt {
namespace {

struct Line {
  uint64_t filled_as = 0;
};

// 'H' or 'M' per key of `stream`, filling on every miss.
std::string trace(SetAssoc<Line>& a, std::initializer_list<uint64_t> stream) {
  std::string out;
  for (uint64_t k : stream) {
    if (Line* hit = a.find(a.set_of(k), k)) {
      EXPECT_EQ(hit->filled_as, k);
      out += 'H';
      continue;
    }
    bool evicted = false;
    a.slot(a.set_of(k), k, evicted) = {k};
    out += 'M';
  }
  return out;
}

TEST(TimingSetAssoc, LruEvictsTheLeastRecentlyUsedWay) {
  SetAssoc<Line> a({1, 4, ReplacementKind::kLru}, "test");
  // After A B C D A, LRU order is B C D A: E evicts B, B evicts C, C evicts D.
  EXPECT_EQ(trace(a, {1, 2, 3, 4, 1, 5, 2, 3}), "MMMMHMMM");
}

TEST(TimingSetAssoc, TreePlruEvictsWhereTheTreeBitsPoint) {
  SetAssoc<Line> a({1, 4, ReplacementKind::kTreePlru}, "test");
  // After A B C D A the root points right and the right node at way 2: E evicts C (not B, as
  // LRU would), so B hits; C then evicts D (way 3).
  EXPECT_EQ(trace(a, {1, 2, 3, 4, 1, 5, 2, 3}), "MMMMHMHM");
}

TEST(TimingSetAssoc, SetsAreIndependent) {
  SetAssoc<Line> a({2, 1, ReplacementKind::kLru}, "test");
  // Keys 0 and 2 share set 0 of a direct-mapped pair; 1 lives in set 1 throughout.
  EXPECT_EQ(trace(a, {0, 1, 2, 1, 0, 1}), "MMMHMH");
}

TEST(TimingSetAssoc, EqualKeysAreToldApartByTheMatch) {
  SetAssoc<Line> a({1, 4, ReplacementKind::kLru}, "test");
  bool evicted = false;
  a.slot(0, 7, [](const Line& x) { return x.filled_as == 1; }, evicted) = {1};
  a.slot(0, 7, [](const Line& x) { return x.filled_as == 2; }, evicted) = {2};
  EXPECT_EQ(a.occupied(), 2u);  // one key, two entries
  const Line* two = a.find(0, 7, [](const Line& x) { return x.filled_as == 2; });
  ASSERT_NE(two, nullptr);
  EXPECT_EQ(two->filled_as, 2u);
  EXPECT_EQ(a.invalidate_in(0, [](const Line& x) { return x.filled_as == 1; }), 1u);
  EXPECT_EQ(a.find(0, 7, [](const Line& x) { return x.filled_as == 1; }), nullptr);
  a.clear();
  EXPECT_EQ(a.occupied(), 0u);
  EXPECT_EQ(a.find(0, 7), nullptr);
}

TEST(TimingSetAssoc, TreePlruRefusesWaysThatAreNoPowerOfTwo) {
  EXPECT_THROW(SetAssoc<Line>({1, 12, ReplacementKind::kTreePlru}, "test"),
               std::invalid_argument);
}

TEST(TimingDataCaches, EachLoadCostsTheLevelThatServedIt) {
  DataCacheConfig c;
  c.levels = {{64 * 2, 2, 4}, {64 * 8, 4, 12}};  // L1: 1 set x 2 ways; L2: 2 sets x 4 ways
  c.memory_latency = 100;
  DataCaches d(c);
  const HostPhys a(0x0), b(0x1000), e(0x2000);
  EXPECT_EQ(d.load(a), 100u);
  EXPECT_EQ(d.load(a + 8), 4u);  // same line
  EXPECT_EQ(d.load(b), 100u);
  EXPECT_EQ(d.load(e), 100u);    // L1 now holds b and e
  EXPECT_EQ(d.load(a), 12u);     // from L2
}

TEST(TimingDataCaches, AnAscendingStreamIsPrefetched) {
  DataCacheConfig c;
  c.levels = {{64 * 64, 8, 4}};
  c.memory_latency = 100;
  c.prefetch_degree = 2;
  DataCaches d(c);
  EXPECT_EQ(d.load({HostPhys(0), 0}), 100u);
  EXPECT_EQ(d.load({HostPhys(64), 100}), 100u);  // now ascending: lines 2 and 3 are asked for
  EXPECT_EQ(d.load({HostPhys(128), 200}), 4u);   // ... and have arrived by 200
  EXPECT_EQ(d.load({HostPhys(192), 204}), 4u);
  EXPECT_EQ(d.stats().prefetches, 4u);  // lines 2 and 3, then 4, then 5
}

}  // namespace
}  // namespace memvirt
