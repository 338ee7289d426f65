// The list walk: its layout (shared with the native runner) and its event stream.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <vector>

#include "workload/listwalk.hpp"
#include "workload/spec.hpp"
#include "workload/workload.hpp"

namespace memvirt {
namespace {

ListWalkSpec walk(uint64_t ws, unsigned npad, ListWalkSpec::Order order, uint64_t steps) {
  ListWalkSpec s;
  s.ws = ws;
  s.npad = npad;
  s.order = order;
  s.steps = steps;
  return s;
}

constexpr auto kSeq = ListWalkSpec::Order::kSeq;
constexpr auto kRandom = ListWalkSpec::Order::kRandom;

std::vector<Event> drain(Workload& w, size_t batch) {
  std::vector<Event> all;
  std::vector<Event> buf(batch);
  while (size_t n = w.next(buf)) all.insert(all.end(), buf.begin(), buf.begin() + n);
  return all;
}

std::vector<Event> events(const ListWalkSpec& s, uint64_t seed, size_t batch = 4096) {
  ListWalk w(s, WorkloadContext{PageSize::k4K, seed});
  return drain(w, batch);
}

std::vector<uint64_t> addresses(const std::vector<Event>& ev) {
  std::vector<uint64_t> out;
  for (const Event& e : ev) out.push_back(e.addr.raw());
  return out;
}

TEST(ListWalk, LayoutDividesWorkingSetIntoElements) {
  const ListWalkLayout a(walk(64 * 1024, 7, kSeq, 1), 1);
  EXPECT_EQ(a.element_bytes(), 64u);
  EXPECT_EQ(a.elements(), 1024u);
  EXPECT_EQ(a.offset_of(3), 192u);
  const ListWalkLayout b(walk(800, 1, kRandom, 1), 1);
  EXPECT_EQ(b.element_bytes(), 16u);
  EXPECT_EQ(b.elements(), 50u);
  // A tail shorter than one element is left unused.
  EXPECT_EQ(ListWalkLayout(walk(24, 1, kSeq, 1), 1).elements(), 1u);
}

TEST(ListWalk, SeqOrderIsAddressOrderAndWraps) {
  const std::vector<uint64_t> got = addresses(events(walk(4 * 16, 1, kSeq, 6), 1));
  const uint64_t b = kWorkloadRegionBase;
  EXPECT_EQ(got, (std::vector<uint64_t>{b, b, b + 16, b + 32, b + 48, b, b + 16}));
}

TEST(ListWalk, RandomOrderIsOneCycleThroughEveryElement) {
  const ListWalkLayout layout(walk(4097 * 8, 0, kRandom, 1), 5);
  const uint64_t n = layout.elements();
  std::vector<bool> seen(n, false);
  uint64_t e = layout.element_at_step(0);
  for (uint64_t k = 0; k < n; ++k) {
    ASSERT_FALSE(seen[e]) << "element " << e << " visited twice in one lap";
    seen[e] = true;
    e = layout.successor(e);
  }
  EXPECT_EQ(e, layout.element_at_step(0));
}

TEST(ListWalk, SuccessorAgreesWithElementAtStep) {
  for (auto order : {kSeq, kRandom}) {
    const ListWalkLayout layout(walk(1000 * 24, 2, order, 1), 9);
    ASSERT_EQ(layout.elements(), 1000u);
    for (uint64_t k = 0; k < 2500; ++k) {
      ASSERT_EQ(layout.successor(layout.element_at_step(k)), layout.element_at_step(k + 1));
    }
  }
}

TEST(ListWalk, RandomWalkRepeatsTheSameLapAndVisitsAllEachLap) {
  const uint64_t n = 257;
  const std::vector<Event> ev = events(walk(n * 8, 0, kRandom, 3 * n), 11);
  ASSERT_EQ(ev.size(), 1 + 3 * n);
  for (uint64_t lap = 0; lap < 3; ++lap) {
    std::set<uint64_t> lap_addrs;
    for (uint64_t k = 0; k < n; ++k) {
      const Event& e = ev[1 + lap * n + k];
      lap_addrs.insert(e.addr.raw());
      EXPECT_EQ(e.addr.raw(), ev[1 + k].addr.raw());
    }
    EXPECT_EQ(lap_addrs.size(), n);
    EXPECT_EQ(*lap_addrs.begin(), kWorkloadRegionBase);
    EXPECT_EQ(*lap_addrs.rbegin(), kWorkloadRegionBase + 8 * (n - 1));
  }
}

TEST(ListWalk, FirstEventMapsWorkingSetRoundedUpToPages) {
  ListWalk small(walk(5000 * 8, 0, kSeq, 1), WorkloadContext{PageSize::k4K, 1});
  std::vector<Event> ev = drain(small, 16);
  EXPECT_EQ(ev[0].kind, EventKind::kMmap);
  EXPECT_EQ(ev[0].pid, 0u);
  EXPECT_EQ(ev[0].addr, GuestVirt(kWorkloadRegionBase));
  EXPECT_EQ(ev[0].length, 40960u);
  EXPECT_EQ(ev[0].prot, kProtRead | kProtWrite);
  EXPECT_EQ(ev[0].page, PageSize::k4K);

  ListWalk huge(walk(5000 * 8, 0, kSeq, 1), WorkloadContext{PageSize::k2M, 1});
  ev = drain(huge, 16);
  EXPECT_EQ(ev[0].length, uint64_t{2} << 20);
  EXPECT_EQ(ev[0].page, PageSize::k2M);

  ListWalk exact(walk(uint64_t{1} << 30, 0, kSeq, 1), WorkloadContext{PageSize::k1G, 1});
  EXPECT_EQ(drain(exact, 16)[0].length, uint64_t{1} << 30);
}

TEST(ListWalk, EmitsOneMmapThenStepsReadsByPidZero) {
  const std::vector<Event> ev = events(walk(4096, 3, kRandom, 1000), 1);
  ASSERT_EQ(ev.size(), 1001u);
  for (size_t i = 1; i < ev.size(); ++i) {
    EXPECT_EQ(ev[i].kind, EventKind::kRead);
    EXPECT_EQ(ev[i].pid, 0u);
    EXPECT_EQ((ev[i].addr.raw() - kWorkloadRegionBase) % 32, 0u);
    EXPECT_LT(ev[i].addr.raw() - kWorkloadRegionBase, 4096u);
  }
}

TEST(ListWalk, SameSeedSameStreamDifferentSeedDifferentStream) {
  const ListWalkSpec s = walk(64 * 1024, 0, kRandom, 5000);
  EXPECT_EQ(addresses(events(s, 3)), addresses(events(s, 3)));
  EXPECT_NE(addresses(events(s, 3)), addresses(events(s, 4)));
}

TEST(ListWalk, BatchSizeDoesNotChangeTheStream) {
  for (auto order : {kSeq, kRandom}) {
    const ListWalkSpec s = walk(1000 * 8, 0, order, 10000);
    const std::vector<uint64_t> whole = addresses(events(s, 2, 4096));
    EXPECT_EQ(addresses(events(s, 2, 1)), whole);
    EXPECT_EQ(addresses(events(s, 2, 7)), whole);
    EXPECT_EQ(whole.size(), 10001u);
  }
}

TEST(ListWalk, KeepsReturningZeroAfterTheEnd) {
  ListWalk w(walk(64, 0, kSeq, 3), WorkloadContext{});
  std::vector<Event> buf(10);
  EXPECT_EQ(w.next(buf), 4u);
  EXPECT_EQ(w.next(buf), 0u);
  EXPECT_EQ(w.next(buf), 0u);
}

TEST(ListWalk, SixtyFourGiBRandomWalkNeedsNoTable) {
  const std::vector<Event> ev = events(walk(uint64_t{64} << 30, 0, kRandom, 1000), 1);
  ASSERT_EQ(ev.size(), 1001u);
  std::set<uint64_t> distinct;
  for (size_t i = 1; i < ev.size(); ++i) {
    EXPECT_LT(ev[i].addr.raw() - kWorkloadRegionBase, uint64_t{64} << 30);
    distinct.insert(ev[i].addr.raw());
  }
  EXPECT_EQ(distinct.size(), 1000u);
}

TEST(ListWalk, MakeWorkloadBuildsItFromTheSpec) {
  const WorkloadSpec spec = parse_workload_spec("listwalk:ws=8KiB,order=random,steps=300");
  const auto w = make_workload(spec, WorkloadContext{PageSize::k4K, 8});
  EXPECT_EQ(addresses(drain(*w, 64)), addresses(events(std::get<ListWalkSpec>(spec), 8)));
}

}  // namespace
}  // namespace memvirt
