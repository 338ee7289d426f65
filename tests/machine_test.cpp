// The guest kernel, a hypervisor policy and the MMU together, in every mode.
#include <gtest/gtest.h>

#include "support/machines.hpp"

namespace memvirt {
namespace {

using namespace test;

std::string name(PagingMode m) { return std::string(paging_mode_name(m)); }

TEST(Machine, FirstTouchFaultsOnceThenTranslatesToTheComposedFrame) {
  for (PagingMode mode : kAllModes) {
    Machine m(config_for(mode));
    m.apply(mmap_event(0, kBase, 16 * 4096));
    const auto first = m.access(0, GuestVirt(kBase + 0x1234), AccessType::kRead);
    ASSERT_TRUE(first.ok) << name(mode);
    EXPECT_EQ(m.kernel().stats().page_faults, 1u) << name(mode);
    const auto again = m.access(0, GuestVirt(kBase + 0x1238), AccessType::kRead);
    EXPECT_EQ(again.hpa, first.hpa + 4) << name(mode);
    EXPECT_EQ(m.kernel().stats().page_faults, 1u) << name(mode);
    EXPECT_EQ(first.hpa, composed(m, 0, GuestVirt(kBase + 0x1234))) << name(mode);
  }
}

TEST(Machine, AccessOutsideEveryMappingIsASegfaultInEveryMode) {
  for (PagingMode mode : kAllModes) {
    Machine m(config_for(mode));
    m.apply(mmap_event(0, kBase, 4096, PageSize::k4K, kProtRead));
    EXPECT_FALSE(m.access(0, GuestVirt(kBase + 4096), AccessType::kRead).ok) << name(mode);
    EXPECT_TRUE(m.access(0, GuestVirt(kBase), AccessType::kRead).ok) << name(mode);
    EXPECT_FALSE(m.access(0, GuestVirt(kBase), AccessType::kWrite).ok) << name(mode);
    EXPECT_FALSE(m.access(0, GuestVirt(kBase), AccessType::kExecute).ok) << name(mode);
    EXPECT_EQ(m.result().segfaults, 3u) << name(mode);
  }
}

// mmap, touch, fork, write, munmap, exit: a little of everything that writes page tables.
void run_mixed(Machine& m) {
  m.apply(mmap_event(0, kBase, 64 * 4096));
  m.apply(mmap_event(0, kBase + (1ull << 30), 4ull << 20, PageSize::k2M));
  for (uint64_t i = 0; i < 64; ++i) m.access(0, GuestVirt(kBase + i * 4096), AccessType::kWrite);
  m.access(0, GuestVirt(kBase + (1ull << 30) + (3ull << 20)), AccessType::kRead);
  m.apply(fork_event(0, 1));
  m.access(1, GuestVirt(kBase), AccessType::kWrite);
  m.apply(simple_event(EventKind::kMprotect, 1, kBase, 8 * 4096, kProtRead));
  m.apply(simple_event(EventKind::kMunmap, 0, kBase + 32 * 4096, 32 * 4096));
  m.apply(simple_event(EventKind::kExit, 1));
  m.apply(simple_event(EventKind::kSwitch, 0));
  m.access(0, GuestVirt(kBase + 4096), AccessType::kWrite);
}

TEST(Machine, ShadowExitsOncePerGuestPageTableWrite) {
  Machine m(config_for(PagingMode::kShadow));
  run_mixed(m);
  const RunResult r = m.result();
  EXPECT_GT(r.guest_pt_writes, 100u);
  EXPECT_EQ(r.vm_exits[ExitReason::kPtWrite], r.guest_pt_writes);
}

TEST(Machine, NestedAndNativeTakeNoExitForPageTableWrites) {
  for (PagingMode mode : {PagingMode::kNative, PagingMode::kNested}) {
    Machine m(config_for(mode));
    run_mixed(m);
    const RunResult r = m.result();
    EXPECT_GT(r.guest_pt_writes, 100u) << name(mode);
    EXPECT_EQ(r.vm_exits[ExitReason::kPtWrite], 0u) << name(mode);
    EXPECT_EQ(r.vm_exits[ExitReason::kShadowFault], 0u) << name(mode);
  }
  Machine native(config_for(PagingMode::kNative));
  run_mixed(native);
  EXPECT_EQ(native.result().vm_exits.total(), 0u);
}

TEST(Machine, SameWorkloadWritesTheSameGuestEntriesInEveryMode) {
  std::vector<uint64_t> writes;
  for (PagingMode mode : kAllModes) {
    Machine m(config_for(mode));
    run_mixed(m);
    writes.push_back(m.result().guest_pt_writes);
  }
  EXPECT_EQ(writes[0], writes[1]);
  EXPECT_EQ(writes[0], writes[2]);
}

TEST(Machine, WriteToCopyOnWritePageFaultsOnceAndSplitsTheFrame) {
  for (PagingMode mode : kAllModes) {
    Machine m(config_for(mode));
    const GuestVirt va(kBase + 0x40);
    m.apply(mmap_event(0, kBase, 4096));
    m.access(0, va, AccessType::kWrite);
    m.apply(fork_event(0, 1));
    const auto before = m.kernel().stats();
    const auto parent_gpa = m.kernel().lookup(0, va)->gpa;
    EXPECT_EQ(m.kernel().lookup(1, va)->gpa, parent_gpa) << name(mode);
    // The child's first write faults once and gets its own frame; later writes do not fault.
    const auto child = m.access(1, va, AccessType::kWrite);
    ASSERT_TRUE(child.ok);
    m.access(1, va, AccessType::kWrite);
    EXPECT_EQ(m.kernel().stats().cow_faults, before.cow_faults + 1) << name(mode);
    EXPECT_EQ(m.kernel().stats().page_faults, before.page_faults + 1) << name(mode);
    EXPECT_NE(m.kernel().lookup(1, va)->gpa, parent_gpa) << name(mode);
    EXPECT_EQ(m.kernel().lookup(0, va)->gpa, parent_gpa) << name(mode);
    // The parent, now the frame's only owner, faults once more to make it writable again.
    const auto parent = m.access(0, va, AccessType::kWrite);
    ASSERT_TRUE(parent.ok);
    EXPECT_NE(parent.hpa, child.hpa) << name(mode);
    EXPECT_EQ(m.kernel().stats().cow_faults, before.cow_faults + 2) << name(mode);
    EXPECT_EQ(m.kernel().lookup(0, va)->gpa, parent_gpa) << name(mode);
    EXPECT_EQ(parent.hpa, composed(m, 0, va)) << name(mode);
    EXPECT_EQ(child.hpa, composed(m, 1, va)) << name(mode);
  }
}

TEST(Machine, MunmapAndExitFreeEveryTableTheyEmptied) {
  for (PagingMode mode : kAllModes) {
    Machine m(config_for(mode));
    const uint64_t start = m.result().guest_pt_bytes;
    EXPECT_EQ(start, 4096u) << name(mode);  // the root of pid 0
    m.apply(mmap_event(0, kBase, 8 * 4096));
    for (int i = 0; i < 8; ++i) m.access(0, GuestVirt(kBase + i * 4096u), AccessType::kWrite);
    EXPECT_EQ(m.result().guest_pt_bytes, 4 * 4096u) << name(mode);
    m.apply(fork_event(0, 1));
    m.access(1, GuestVirt(kBase), AccessType::kWrite);
    m.apply(simple_event(EventKind::kExit, 1));
    EXPECT_EQ(m.result().guest_pt_bytes, 4 * 4096u) << name(mode);
    m.apply(simple_event(EventKind::kSwitch, 0));
    m.apply(simple_event(EventKind::kMunmap, 0, kBase, 8 * 4096));
    EXPECT_EQ(m.result().guest_pt_bytes, start) << name(mode);
    EXPECT_EQ(m.kernel().stats().data_bytes, 0u) << name(mode);
  }
}

TEST(Machine, ShadowTreesAreFreedWithTheirProcess) {
  Machine m(config_for(PagingMode::kShadow));
  m.apply(mmap_event(0, kBase, 4096));
  m.access(0, GuestVirt(kBase), AccessType::kWrite);
  const uint64_t one = m.result().shadow_pt_bytes;
  EXPECT_EQ(one, 4 * 4096u);  // a 4-level path
  m.apply(fork_event(0, 1));
  m.access(1, GuestVirt(kBase), AccessType::kRead);
  EXPECT_EQ(m.result().shadow_pt_bytes, 2 * one);
  m.apply(simple_event(EventKind::kExit, 1));
  EXPECT_LE(m.result().shadow_pt_bytes, one);
}

TEST(Machine, HugeGuestPagesOverSmallHostFramesSplinterInTheTlb) {
  for (PagingMode mode : {PagingMode::kShadow, PagingMode::kNested}) {
    Machine m(config_for(mode, PageSize::k4K));
    m.apply(mmap_event(0, kBase, 2ull << 20, PageSize::k2M));
    const auto a = m.access(0, GuestVirt(kBase), AccessType::kRead);
    const auto b = m.access(0, GuestVirt(kBase + 0x1000), AccessType::kRead);
    ASSERT_TRUE(a.ok && b.ok);
    EXPECT_EQ(m.kernel().stats().page_faults, 1u) << name(mode);  // one guest 2 MiB page
    EXPECT_EQ(b.hpa, composed(m, 0, GuestVirt(kBase + 0x1000))) << name(mode);
    // The TLB holds two 4 KiB entries, not one 2 MiB entry.
    const TlbEntry* e = m.mmu().tlb().lookup(GuestVirt(kBase + 0x1008), m.mmu().state().tag);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->size, PageSize::k4K) << name(mode);
    EXPECT_EQ(m.mmu().tlb().valid_entries(), 2u) << name(mode);
    const uint64_t misses = m.mmu().stats().tlb_misses;
    m.access(0, GuestVirt(kBase + 0x2000), AccessType::kRead);
    EXPECT_GT(m.mmu().stats().tlb_misses, misses) << name(mode);
  }
}

TEST(Machine, NestedColdWalkOfABackedPageMakesTwentyFourReferences) {
  Machine m(config_for(PagingMode::kNested));
  m.apply(mmap_event(0, kBase, 2 * 4096));
  m.access(0, GuestVirt(kBase), AccessType::kRead);
  m.access(0, GuestVirt(kBase + 4096), AccessType::kRead);  // faults, then walks cleanly
  const uint64_t before = m.mmu().stats().guest_refs + m.mmu().stats().nested_refs;
  m.mmu().tlb().invalidate_all();
  m.access(0, GuestVirt(kBase + 4096), AccessType::kRead);
  EXPECT_EQ(m.mmu().stats().guest_refs + m.mmu().stats().nested_refs - before, 24u);
}

TEST(Machine, SharedMemoryMapsTheSameFrameInEveryProcessAndSurvivesFork) {
  for (PagingMode mode : kAllModes) {
    Machine m(config_for(mode));
    Event shm = mmap_event(0, kBase, 4 * 4096);
    shm.region = 7;
    m.apply(shm);
    m.apply(fork_event(0, 1));
    shm.pid = 2;
    m.apply(fork_event(0, 2));
    m.apply(simple_event(EventKind::kExec, 2));  // pid 2 starts afresh, then maps it elsewhere
    shm.addr = GuestVirt(kBase + (1ull << 30));
    m.apply(shm);
    const auto a = m.access(1, GuestVirt(kBase + 4096), AccessType::kWrite);
    const auto b = m.access(0, GuestVirt(kBase + 4096), AccessType::kWrite);
    const auto c = m.access(2, GuestVirt(kBase + (1ull << 30) + 4096), AccessType::kRead);
    ASSERT_TRUE(a.ok && b.ok && c.ok) << name(mode);
    EXPECT_EQ(a.hpa, b.hpa) << name(mode);
    EXPECT_EQ(a.hpa, c.hpa) << name(mode);
    EXPECT_EQ(m.kernel().stats().cow_faults, 0u) << name(mode);
    EXPECT_EQ(m.kernel().stats().data_bytes, 4096u) << name(mode);
    for (uint32_t pid : {0u, 1u, 2u}) m.apply(simple_event(EventKind::kExit, pid));
    EXPECT_EQ(m.kernel().stats().data_bytes, 0u) << name(mode);
  }
}

TEST(Machine, ExecReplacesTheAddressSpace) {
  for (PagingMode mode : kAllModes) {
    Machine m(config_for(mode));
    m.apply(mmap_event(0, kBase, 4096));
    ASSERT_TRUE(m.access(0, GuestVirt(kBase), AccessType::kWrite).ok);
    m.apply(simple_event(EventKind::kExec, 0));
    EXPECT_FALSE(m.access(0, GuestVirt(kBase), AccessType::kRead).ok) << name(mode);
    EXPECT_EQ(m.result().guest_pt_bytes, 4096u) << name(mode);
    m.apply(mmap_event(0, kBase, 4096));
    EXPECT_TRUE(m.access(0, GuestVirt(kBase), AccessType::kRead).ok) << name(mode);
  }
}

TEST(Machine, BadEventsAreKernelErrorsNamingWhatIsWrong) {
  Machine m(config_for(PagingMode::kNative));
  m.apply(mmap_event(0, kBase, 4096));
  EXPECT_THROW(m.apply(mmap_event(0, kBase, 4096)), KernelError);            // overlap
  EXPECT_THROW(m.apply(mmap_event(0, kBase + 4096, 4096, PageSize::k2M)), KernelError);
  EXPECT_THROW(m.apply(simple_event(EventKind::kSwitch, 9)), KernelError);    // no such pid
  EXPECT_THROW(m.apply(fork_event(0, 0)), KernelError);                      // pid exists
  try {
    m.apply(mmap_event(0, kBase + 123, 4096));
  } catch (const KernelError& e) {
    EXPECT_NE(std::string(e.what()).find("not 4 KiB aligned"), std::string::npos);
  }
}

}  // namespace
}  // namespace memvirt
