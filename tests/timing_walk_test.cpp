// The timing model around the MMU: TLB hits, walks shortened by the paging-structure caches and
// the nested TLB, exact counts of the references made.
#include <gtest/gtest.h>

#include "support/machines.hpp"
#include "timing/cpu_model.hpp"

namespace memvirt {
namespace {

using namespace test;

// zen3 with a one-entry TLB, so that two pages evict each other without any invalidation.
SimConfig timed(PagingMode mode, bool nested_tlb = true) {
  CpuModel cpu = load_cpu_model("zen3");
  cpu.tlb.l1 = {SetAssocGeometry{1, 1}, SetAssocGeometry{1, 1}, SetAssocGeometry{1, 1}};
  cpu.tlb.l2 = {SetAssocGeometry{0, 0}, SetAssocGeometry{0, 0}, SetAssocGeometry{0, 0}};
  cpu.tlb_l1_hit = 1;
  if (!nested_tlb) cpu.nested_tlb = {0, 0};
  SimConfig c = config_for(mode);
  c.cpu = std::make_shared<const CpuModel>(cpu);
  c.tlb = tlb_config_for(cpu.tlb);
  return c;
}

struct Refs {
  uint64_t guest = 0;
  uint64_t nested = 0;
};

// References made by one access to page 0 after pages 0 and 1 were touched (and faulted in).
Refs refs_of_rewalk(Machine& m) {
  m.apply(mmap_event(0, kBase, 16 * 4096));
  m.access(0, GuestVirt(kBase), AccessType::kRead);
  m.access(0, GuestVirt(kBase + 4096), AccessType::kRead);
  const MmuStats before = m.mmu().stats();
  m.access(0, GuestVirt(kBase), AccessType::kRead);
  const MmuStats& after = m.mmu().stats();
  EXPECT_EQ(after.walks - before.walks, 1u);
  return {after.guest_refs - before.guest_refs, after.nested_refs - before.nested_refs};
}

TEST(TimingWalk, SecondAccessToTheSamePageCostsATlbHit) {
  Machine m(timed(PagingMode::kNative));
  m.apply(mmap_event(0, kBase, 16 * 4096));
  m.access(0, GuestVirt(kBase), AccessType::kRead);
  const CycleLedger before = m.mmu().timing()->ledger();
  m.access(0, GuestVirt(kBase + 8), AccessType::kRead);
  const CycleLedger& after = m.mmu().timing()->ledger();
  EXPECT_EQ(after[CycleCategory::kTlbHit] - before[CycleCategory::kTlbHit], 1u);
  EXPECT_EQ(after[CycleCategory::kGuestWalk], before[CycleCategory::kGuestWalk]);
  EXPECT_EQ(after[CycleCategory::kData] - before[CycleCategory::kData], 4u);  // L1D hit
}

TEST(TimingWalk, NativeWalkBelowACachedPdeReadsOnlyThePte) {
  Machine m(timed(PagingMode::kNative));
  const Refs r = refs_of_rewalk(m);
  EXPECT_EQ(r.guest, 1u);
  EXPECT_EQ(r.nested, 0u);
}

TEST(TimingWalk, NestedWalkBelowCachedPdesReadsOneEntryPerDimension) {
  Machine m(timed(PagingMode::kNested));
  const Refs r = refs_of_rewalk(m);
  // Guest PTE (PDE cached, PT page in the nested TLB), then the data's nested PTE.
  EXPECT_EQ(r.guest, 1u);
  EXPECT_EQ(r.nested, 1u);
}

TEST(TimingWalk, NestedTlbRemovesTheNestedWalkOfAGuestTableSeenBefore) {
  Machine m(timed(PagingMode::kNested, false));
  const Refs r = refs_of_rewalk(m);
  // Without it the guest PT page's gPA takes a nested walk (its upper levels cached): one more.
  EXPECT_EQ(r.guest, 1u);
  EXPECT_EQ(r.nested, 2u);
}

TEST(TimingWalk, WithoutACpuModelNothingIsTimed) {
  Machine m(config_for(PagingMode::kNative));
  EXPECT_EQ(m.mmu().timing(), nullptr);
  EXPECT_FALSE(m.result().timed);
}

}  // namespace
}  // namespace memvirt
