// What each TLB tag scheme keeps across VM exits, guest CR3 writes and VM switches.
#include <gtest/gtest.h>

#include "support/machines.hpp"

namespace memvirt {
namespace {

using namespace test;

SimConfig tagged(PagingMode mode, TlbTagging tags, int vms = 1, int vcpus = 1) {
  SimConfig c = config_for(mode);
  c.tlb_tag = tags;
  c.vms = vms;
  c.vcpus = vcpus;
  return c;
}

// Maps and touches `pages` pages of pid 0 at kBase.
void touch(Machine& m, uint32_t pid, int pages, uint64_t base = kBase) {
  for (int i = 0; i < pages; ++i)
    ASSERT_TRUE(m.access(pid, GuestVirt(base + 4096u * i), AccessType::kWrite).ok);
}

TEST(TlbTagging, UntaggedTlbIsEmptyAfterEveryVmExit) {
  Machine m(tagged(PagingMode::kShadow, TlbTagging::kNone));
  m.apply(mmap_event(0, kBase, 8 * 4096));
  touch(m, 0, 8);
  ASSERT_GT(m.mmu().tlb().valid_entries(), 0u);
  const uint64_t exits = m.result().vm_exits.total();
  m.apply(simple_event(EventKind::kMprotect, 0, kBase, 4096, kProtRead));  // PTE write: exits
  EXPECT_GT(m.result().vm_exits.total(), exits);
  EXPECT_EQ(m.mmu().tlb().valid_entries(), 0u);
}

TEST(TlbTagging, VpidKeepsEntriesAcrossExits) {
  Machine m(tagged(PagingMode::kShadow, TlbTagging::kVpid));
  m.apply(mmap_event(0, kBase, 8 * 4096));
  touch(m, 0, 8);
  const size_t before = m.mmu().tlb().valid_entries();
  m.apply(simple_event(EventKind::kMprotect, 0, kBase, 4096, kProtRead));
  // Only the INVLPG of the changed page dropped anything.
  EXPECT_EQ(m.mmu().tlb().valid_entries(), before - 1);
}

TEST(TlbTagging, VpidGuestCr3WriteDropsTheGuestsEntries) {
  Machine m(tagged(PagingMode::kNested, TlbTagging::kVpid));
  m.apply(mmap_event(0, kBase, 8 * 4096));
  m.apply(fork_event(0, 1));
  touch(m, 0, 8);
  m.apply(simple_event(EventKind::kSwitch, 1));
  EXPECT_EQ(m.mmu().tlb().valid_entries(), 0u);
  m.apply(simple_event(EventKind::kSwitch, 0));
  const uint64_t misses = m.mmu().stats().tlb_misses;
  touch(m, 0, 8);
  EXPECT_EQ(m.mmu().stats().tlb_misses, misses + 8);
}

TEST(TlbTagging, PcidEntriesSurviveAGuestCr3Write) {
  Machine m(tagged(PagingMode::kNested, TlbTagging::kVpidPcid));
  m.apply(mmap_event(0, kBase, 8 * 4096));
  m.apply(fork_event(0, 1));
  touch(m, 0, 8);
  m.apply(simple_event(EventKind::kSwitch, 1));
  m.apply(simple_event(EventKind::kSwitch, 0));
  const uint64_t misses = m.mmu().stats().tlb_misses;
  touch(m, 0, 8);
  EXPECT_EQ(m.mmu().stats().tlb_misses, misses);
}

TEST(TlbTagging, PcidEntriesOfAnExitedProcessAreNotReusedByItsSuccessor) {
  for (PagingMode mode : kAllModes) {
    Machine m(tagged(mode, TlbTagging::kVpidPcid));
    m.apply(mmap_event(0, kBase, 4096));
    m.apply(fork_event(0, 1));
    m.apply(mmap_event(1, kBase + (1ull << 30), 4096));
    touch(m, 1, 1, kBase + (1ull << 30));
    m.apply(simple_event(EventKind::kSwitch, 0));
    m.apply(simple_event(EventKind::kExit, 1));
    m.apply(fork_event(0, 1));  // same pid, same PCID, new address space
    EXPECT_FALSE(m.access(1, GuestVirt(kBase + (1ull << 30)), AccessType::kRead).ok)
        << paging_mode_name(mode);
  }
}

TEST(TlbTagging, VpidKeepsEachVmsEntriesAcrossVmSwitches) {
  Machine m(tagged(PagingMode::kNested, TlbTagging::kVpid, 2));
  for (uint32_t vm : {0u, 1u}) {
    m.switch_vm(vm);
    m.apply(mmap_event(0, kBase, 4 * 4096));
    touch(m, 0, 4);
  }
  m.switch_vm(0);
  const uint64_t misses = m.mmu().stats().tlb_misses;
  touch(m, 0, 4);
  EXPECT_EQ(m.mmu().stats().tlb_misses, misses);
  EXPECT_EQ(m.mmu().tlb().valid_entries(), 8u);
}

TEST(TlbTagging, OneBitAsidFlushesTheGuestWhenAnotherVmRuns) {
  Machine m(tagged(PagingMode::kNested, TlbTagging::kAsid1, 2));
  for (uint32_t vm : {0u, 1u}) {
    m.switch_vm(vm);
    m.apply(mmap_event(0, kBase, 4 * 4096));
    touch(m, 0, 4);
  }
  m.switch_vm(0);
  EXPECT_EQ(m.mmu().tlb().valid_entries(), 0u);
}

TEST(TlbTagging, TwoVmsMapTheSameAddressToDifferentHostFrames) {
  for (PagingMode mode : {PagingMode::kShadow, PagingMode::kNested}) {
    Machine m(tagged(mode, TlbTagging::kVpid, 2));
    HostPhys frames[2];
    for (uint32_t vm : {0u, 1u}) {
      m.switch_vm(vm);
      m.apply(mmap_event(0, kBase, 4096));
      frames[vm] = m.access(0, GuestVirt(kBase), AccessType::kWrite).hpa;
      EXPECT_EQ(frames[vm], composed(m, 0, GuestVirt(kBase))) << paging_mode_name(mode);
    }
    EXPECT_NE(frames[0], frames[1]) << paging_mode_name(mode);
  }
}

TEST(Shootdown, MunmapOnOneCpuFlushesTheOtherCpuRunningTheProcess) {
  for (PagingMode mode : kAllModes) {
    Machine m(tagged(mode, TlbTagging::kVpid, 1, 2));
    m.apply(mmap_event(0, kBase, 4 * 4096));
    m.set_cpu(1);
    touch(m, 0, 4);  // cpu 1 caches the pages
    ASSERT_EQ(m.mmu(1).tlb().valid_entries(), 4u);
    m.set_cpu(0);
    m.apply(simple_event(EventKind::kMunmap, 0, kBase, 4 * 4096));
    EXPECT_EQ(m.mmu(1).tlb().valid_entries(), 0u) << paging_mode_name(mode);
    const RunResult r = m.result();
    EXPECT_EQ(r.ipis, 1u) << paging_mode_name(mode);
    const bool vmm = mode != PagingMode::kNative;
    EXPECT_EQ(r.vm_exits[ExitReason::kIpiSend], vmm ? 1u : 0u) << paging_mode_name(mode);
    EXPECT_EQ(r.vm_exits[ExitReason::kIpiReceive], vmm ? 1u : 0u) << paging_mode_name(mode);
  }
}

TEST(Shootdown, NoIpiForACpuThatDoesNotRunTheProcess) {
  Machine m(tagged(PagingMode::kNested, TlbTagging::kVpid, 1, 2));
  m.apply(mmap_event(0, kBase, 4096));
  m.apply(fork_event(0, 1));
  m.set_cpu(1);
  m.apply(simple_event(EventKind::kSwitch, 1));
  m.set_cpu(0);
  touch(m, 0, 1);
  m.apply(simple_event(EventKind::kMunmap, 0, kBase, 4096));
  EXPECT_EQ(m.result().ipis, 0u);
}

TEST(Shootdown, WithPcidsACpuThatRanTheProcessEarlierIsFlushedToo) {
  Machine m(tagged(PagingMode::kNested, TlbTagging::kVpidPcid, 1, 2));
  m.apply(mmap_event(0, kBase, 4096));
  m.apply(fork_event(0, 1));
  m.set_cpu(1);
  touch(m, 0, 1);
  m.apply(simple_event(EventKind::kSwitch, 1));  // pid 0's entry stays, tagged by its PCID
  ASSERT_EQ(m.mmu(1).tlb().valid_entries(), 1u);
  m.set_cpu(0);
  m.apply(simple_event(EventKind::kMunmap, 0, kBase, 4096));
  EXPECT_EQ(m.result().ipis, 1u);
  EXPECT_EQ(m.mmu(1).tlb().valid_entries(), 0u);
}

}  // namespace
}  // namespace memvirt
