#include <gtest/gtest.h>

#include "mmu/tlb.hpp"

namespace memvirt {
namespace {

constexpr Permissions kRw{true, true, false};

// 4 KiB: 2 sets x 2 ways; 2 MiB and 1 GiB: 1 x 2.
Tlb small_tlb() {
  TlbConfig c;
  c.geometry = {TlbGeometry{2, 2}, TlbGeometry{1, 2}, TlbGeometry{1, 2}};
  return Tlb(c);
}

GuestVirt page(uint64_t vpn) { return GuestVirt(vpn << 12); }

void fill(Tlb& t, uint64_t vpn, TlbTag tag = {}, bool global = false) {
  t.insert(page(vpn), PageSize::k4K, HostPhys(vpn << 20), tag, kRw, global, true);
}

TEST(Tlb, SecondAccessToTheSamePageHits) {
  Tlb t = small_tlb();
  EXPECT_EQ(t.lookup(page(5), {}), nullptr);
  fill(t, 5);
  const TlbEntry* e = t.lookup(page(5) + 0x123, {});
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->page.raw(), 5u << 20);
  EXPECT_EQ(e->size, PageSize::k4K);
}

TEST(Tlb, LeastRecentlyUsedWayIsEvicted) {
  Tlb t = small_tlb();
  // vpns 0, 2, 4 share set 0 of a 2-way set.
  fill(t, 0);
  fill(t, 2);
  ASSERT_NE(t.lookup(page(0), {}), nullptr);  // 0 is now most recent
  fill(t, 4);                                 // evicts 2
  EXPECT_NE(t.lookup(page(0), {}), nullptr);
  EXPECT_EQ(t.lookup(page(2), {}), nullptr);
  EXPECT_NE(t.lookup(page(4), {}), nullptr);
  EXPECT_EQ(t.stats().evictions, 1u);
  fill(t, 1);  // set 1 is untouched by set 0's traffic
  EXPECT_NE(t.lookup(page(0), {}), nullptr);
  EXPECT_NE(t.lookup(page(1), {}), nullptr);
}

// A lookup repeated for the entry that answered last is served from that entry: it must still
// give what a full lookup gives after fills, other tags and invalidations in between.
TEST(Tlb, RepeatedLookupsAgreeWithFullLookups) {
  Tlb t = small_tlb();
  fill(t, 0);
  fill(t, 2);
  ASSERT_NE(t.lookup(page(0), {}), nullptr);
  ASSERT_NE(t.lookup(page(0) + 8, {}), nullptr);  // the repeat: 0 stays most recent
  fill(t, 4);                                     // so 2 is the one evicted
  EXPECT_EQ(t.lookup(page(2), {}), nullptr);
  EXPECT_NE(t.lookup(page(4), {}), nullptr);
  // The same page under another tag is another translation.
  EXPECT_NE(t.lookup(page(4), {}), nullptr);
  EXPECT_EQ(t.lookup(page(4), TlbTag{1, 0}), nullptr);
  // An invalidation of the page answered last is seen by the next lookup.
  ASSERT_NE(t.lookup(page(4), {}), nullptr);
  t.invalidate_address(page(4), {});
  EXPECT_EQ(t.lookup(page(4), {}), nullptr);
  EXPECT_NE(t.lookup(page(0), {}), nullptr);
  EXPECT_EQ(t.valid_entries(), 1u);
}

TEST(Tlb, ExactHitMissSequenceOfAStream) {
  Tlb t = small_tlb();
  // Stream over set 0 (vpns 0,2,4): a cyclic stream of three pages in a 2-way set always misses
  // under LRU; a stream of two always hits after the first lap.
  std::string trace;
  for (uint64_t vpn : {0, 2, 4, 0, 2, 4, 0, 2, 0, 2}) {
    const bool hit = t.lookup(page(vpn), {}) != nullptr;
    trace += hit ? 'H' : 'M';
    if (!hit) fill(t, vpn);
  }
  EXPECT_EQ(trace, "MMMMMMMMHH");
}

TEST(Tlb, LargePagesLiveInTheirOwnArrays) {
  Tlb t = small_tlb();
  t.insert(GuestVirt(0x4000'0000), PageSize::k1G, HostPhys(0x8000'0000), {}, kRw, false, true);
  t.insert(GuestVirt(0x20'0000), PageSize::k2M, HostPhys(0x60'0000), {}, kRw, false, true);
  const TlbEntry* g = t.lookup(GuestVirt(0x4123'4567), {});
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->size, PageSize::k1G);
  const TlbEntry* m = t.lookup(GuestVirt(0x3f'ffff), {});
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->size, PageSize::k2M);
  EXPECT_EQ(t.valid_entries(), 2u);
}

TEST(Tlb, TagsSeparateVmsAndProcesses) {
  Tlb t = small_tlb();
  fill(t, 3, TlbTag{1, 7});
  EXPECT_NE(t.lookup(page(3), TlbTag{1, 7}), nullptr);
  EXPECT_EQ(t.lookup(page(3), TlbTag{1, 8}), nullptr);  // other process
  EXPECT_EQ(t.lookup(page(3), TlbTag{2, 7}), nullptr);  // other VM
}

TEST(Tlb, GlobalEntriesMatchEveryPcidButNotOtherVms) {
  Tlb t = small_tlb();
  fill(t, 3, TlbTag{1, 7}, /*global=*/true);
  EXPECT_NE(t.lookup(page(3), TlbTag{1, 9}), nullptr);
  EXPECT_EQ(t.lookup(page(3), TlbTag{2, 7}), nullptr);
}

TEST(Tlb, InvalidateNonGlobalKeepsGlobalsAndOtherTags) {
  Tlb t = small_tlb();
  fill(t, 0, TlbTag{1, 1});
  fill(t, 1, TlbTag{1, 1}, true);
  fill(t, 2, TlbTag{1, 2});
  t.invalidate_non_global(TlbTag{1, 1});
  EXPECT_EQ(t.lookup(page(0), TlbTag{1, 1}), nullptr);
  EXPECT_NE(t.lookup(page(1), TlbTag{1, 1}), nullptr);
  EXPECT_NE(t.lookup(page(2), TlbTag{1, 2}), nullptr);
}

TEST(Tlb, InvalidateAsidDropsGlobalsOfThatVmOnly) {
  Tlb t = small_tlb();
  fill(t, 0, TlbTag{1, 1}, true);
  fill(t, 1, TlbTag{2, 1});
  t.invalidate_asid(1);
  EXPECT_EQ(t.lookup(page(0), TlbTag{1, 1}), nullptr);
  EXPECT_NE(t.lookup(page(1), TlbTag{2, 1}), nullptr);
}

TEST(Tlb, InvalidateAddressDropsEverySizeCoveringIt) {
  Tlb t = small_tlb();
  t.insert(GuestVirt(0x20'0000), PageSize::k2M, HostPhys(0x60'0000), {}, kRw, false, true);
  fill(t, 0x201);  // 4 KiB page inside the 2 MiB one
  fill(t, 0x400);  // elsewhere
  t.invalidate_address(GuestVirt(0x20'1000), {});
  EXPECT_EQ(t.valid_entries(), 1u);
  EXPECT_NE(t.lookup(page(0x400), {}), nullptr);
}

TEST(Tlb, InvalidateAllEmptiesIt) {
  Tlb t = small_tlb();
  fill(t, 0, TlbTag{1, 1}, true);
  fill(t, 1, TlbTag{2, 3});
  t.invalidate_all();
  EXPECT_EQ(t.valid_entries(), 0u);
  EXPECT_EQ(t.stats().invalidated, 2u);
}

TEST(Tlb, ZeroWaysIsRefusedWithTheSizeNamed) {
  TlbConfig c;
  c.geometry[1] = TlbGeometry{4, 0};
  try {
    Tlb t(c);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("2m"), std::string::npos);
  }
}

}  // namespace
}  // namespace memvirt
