// Shadow paging with KVM's unsync: last-level guest tables go out of sync on their first write
// and are brought back in sync by the guest's INVLPG, TLB flush or CR3 write.
#include <gtest/gtest.h>

#include "support/machines.hpp"

namespace memvirt {
namespace {

using namespace test;

SimConfig unsync_config(bool unsync) {
  SimConfig c = config_for(PagingMode::kShadow);
  c.shadow_unsync = unsync;
  return c;
}

uint64_t pt_write_exits(Machine& m) { return m.result().vm_exits[ExitReason::kPtWrite]; }

// mmap / touch / munmap storms over several processes: page-table-update heavy. Unmapping 40
// pages is past the kernel's single-page flush ceiling, so it flushes the TLB.
void churn(Machine& m) {
  m.apply(fork_event(0, 1));
  for (uint64_t round = 0; round < 12; ++round) {
    const uint32_t pid = static_cast<uint32_t>(round % 2);
    const uint64_t base = kBase + (round % 3) * (1ull << 30);
    m.apply(mmap_event(pid, base, 44 * 4096));
    for (uint64_t i = 0; i < 44; ++i) m.access(pid, GuestVirt(base + i * 4096), AccessType::kWrite);
    m.apply(simple_event(EventKind::kMunmap, pid, base + 4 * 4096, 40 * 4096));
    m.access(pid, GuestVirt(base), AccessType::kRead);
    m.apply(simple_event(EventKind::kMunmap, pid, base, 4 * 4096));
  }
}

TEST(ShadowUnsync, OnlyTheFirstWriteToALastLevelTableExits) {
  for (bool unsync : {false, true}) {
    Machine m(unsync_config(unsync));
    m.apply(mmap_event(0, kBase, 4 * 4096));
    m.access(0, GuestVirt(kBase), AccessType::kWrite);  // builds the path: first leaf write exits
    const uint64_t before = pt_write_exits(m);
    for (uint64_t i = 1; i < 4; ++i) m.access(0, GuestVirt(kBase + i * 4096), AccessType::kWrite);
    EXPECT_EQ(m.result().guest_pt_writes, 4u + 3u);  // 3 upper entries, 4 leaves
    EXPECT_EQ(pt_write_exits(m) - before, unsync ? 0u : 3u) << unsync;
  }
}

TEST(ShadowUnsync, UpperLevelTablesStayWriteProtected) {
  Machine m(unsync_config(true));
  m.apply(mmap_event(0, kBase, 4096));
  m.apply(mmap_event(0, kBase + (1ull << 30), 4096));
  m.access(0, GuestVirt(kBase), AccessType::kWrite);
  const uint64_t before = pt_write_exits(m);
  // A new 1 GiB region needs a new level-2 and level-1 table: two upper entries, one leaf.
  m.access(0, GuestVirt(kBase + (1ull << 30)), AccessType::kWrite);
  EXPECT_EQ(pt_write_exits(m) - before, 3u);
}

TEST(ShadowUnsync, InvlpgResyncsTheStaleEntryOfThatAddress) {
  Machine m(unsync_config(true));
  m.apply(mmap_event(0, kBase, 2 * 4096));
  m.access(0, GuestVirt(kBase), AccessType::kWrite);
  m.access(0, GuestVirt(kBase + 4096), AccessType::kWrite);
  const HypervisorStats before = m.hypervisor().stats();
  m.apply(simple_event(EventKind::kMunmap, 0, kBase + 4096, 4096));  // no exit, then INVLPG
  EXPECT_EQ(m.hypervisor().stats().shadow_sync_entries, before.shadow_sync_entries + 1);
  EXPECT_EQ(m.hypervisor().stats().shadow_syncs, before.shadow_syncs + 1);
  EXPECT_EQ(m.hypervisor().stats().shadow_zaps, before.shadow_zaps + 1);
  EXPECT_FALSE(m.access(0, GuestVirt(kBase + 4096), AccessType::kRead).ok);
  EXPECT_TRUE(m.access(0, GuestVirt(kBase), AccessType::kRead).ok);
}

TEST(ShadowUnsync, Cr3WriteResyncsEveryUnsyncPageAndWriteProtectsItAgain) {
  Machine m(unsync_config(true));
  m.apply(mmap_event(0, kBase, 3 * 4096));
  m.access(0, GuestVirt(kBase), AccessType::kWrite);
  m.access(0, GuestVirt(kBase + 4096), AccessType::kWrite);  // unsync: no exit
  m.apply(fork_event(0, 1));  // write-protects the parent's pages, then flushes: a resync
  const uint64_t syncs = m.hypervisor().stats().shadow_syncs;
  EXPECT_EQ(syncs, 1u);
  m.access(1, GuestVirt(kBase), AccessType::kRead);  // CR3 write: nothing is unsync now
  EXPECT_EQ(m.hypervisor().stats().shadow_syncs, syncs);
  m.access(0, GuestVirt(kBase), AccessType::kRead);  // back to pid 0
  const uint64_t before = pt_write_exits(m);
  m.access(0, GuestVirt(kBase + 2 * 4096), AccessType::kWrite);  // protected again: exits
  EXPECT_EQ(pt_write_exits(m) - before, 1u);
}

TEST(ShadowUnsync, ChurnTakesFewerExitsForTheSameTranslations) {
  Machine plain(unsync_config(false));
  Machine unsync(unsync_config(true));
  churn(plain);
  churn(unsync);
  const RunResult p = plain.result(), u = unsync.result();
  EXPECT_EQ(u.guest_pt_writes, p.guest_pt_writes);
  EXPECT_EQ(p.vm_exits[ExitReason::kPtWrite], p.guest_pt_writes);
  EXPECT_LT(u.vm_exits.total(), p.vm_exits.total());
  EXPECT_LT(2 * u.vm_exits[ExitReason::kPtWrite], p.vm_exits[ExitReason::kPtWrite]);
  EXPECT_GT(u.shadow_syncs, 0u);
  EXPECT_EQ(p.shadow_syncs, 0u);
  EXPECT_GT(unsync.hypervisor().stats().shadow_sync_entries, 0u);
  for (uint32_t pid : {0u, 1u})
    for (uint64_t off = 0; off < 3 * (1ull << 30); off += 1ull << 30)
      EXPECT_EQ(unsync.access(pid, GuestVirt(kBase + off), AccessType::kRead).ok,
                plain.access(pid, GuestVirt(kBase + off), AccessType::kRead).ok);
}

}  // namespace
}  // namespace memvirt
