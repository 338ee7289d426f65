// Agile paging: guest tables the guest keeps writing are walked nested, the rest shadowed; a
// nested table that stops changing is shadowed again.
#include <gtest/gtest.h>

#include "support/machines.hpp"
#include "vmm/agile.hpp"

namespace memvirt {
namespace {

using namespace test;

const Agile& agile(Machine& m) { return dynamic_cast<const Agile&>(m.hypervisor()); }

SimConfig agile_config(uint32_t writes, uint64_t interval) {
  SimConfig c = config_for(PagingMode::kAgile);
  c.agile_writes = writes;
  c.agile_interval = interval;
  return c;
}

// The guest's leaf table for `va`.
GuestPhys leaf_table(Machine& m, GuestVirt va) {
  GuestPhys table = m.kernel().process(0).root;
  for (int level = 4; level > 1; --level)
    table = GuestPhys(m.hypervisor().read_entry(table + table_index(va.raw(), level) * 8u).frame());
  return table;
}

TEST(Agile, ATableWrittenPastTheThresholdIsWalkedNestedAndItsWritesStopExiting) {
  Machine m(agile_config(2, 1'000'000));
  m.apply(mmap_event(0, kBase, 16 * 4096));
  // Two first touches write two PTEs of one leaf table: still shadowed, each write exits.
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(m.access(0, GuestVirt(kBase + i * 4096u), AccessType::kWrite).ok);
  const GuestPhys pt = leaf_table(m, GuestVirt(kBase));
  EXPECT_FALSE(agile(m).nested(pt));
  const uint64_t exits_before = m.result().vm_exits[ExitReason::kPtWrite];
  // The third write sends it nested; the writes after it land without an exit.
  for (int i = 2; i < 8; ++i) ASSERT_TRUE(m.access(0, GuestVirt(kBase + i * 4096u), AccessType::kWrite).ok);
  EXPECT_TRUE(agile(m).nested(pt));
  EXPECT_EQ(m.result().vm_exits[ExitReason::kPtWrite], exits_before + 1);
  EXPECT_EQ(agile(m).agile_stats().to_nested, 1u);
  // A walk below it: 3 shadow entries, the guest's PTE by host address, the data through the
  // EPT: 8 references, the lowest guest level nested.
  EXPECT_EQ(cold_walk_refs(m, GuestVirt(kBase + 4 * 4096)), 8u);
  EXPECT_GT(m.mmu().stats().agile_nested_1, 0u);
  EXPECT_EQ(m.access(0, GuestVirt(kBase + 0x4010), AccessType::kRead).hpa,
            composed(m, 0, GuestVirt(kBase + 0x4010)));
}

TEST(Agile, ANestedTableThatStopsChangingIsShadowedAgain) {
  Machine m(agile_config(2, 50));
  m.apply(mmap_event(0, kBase, 16 * 4096));
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(m.access(0, GuestVirt(kBase + i * 4096u), AccessType::kWrite).ok);
  const GuestPhys pt = leaf_table(m, GuestVirt(kBase));
  ASSERT_TRUE(agile(m).nested(pt));
  // Accesses without page-table writes: an interval passes (the timer runs on TLB misses).
  for (int round = 0; round < 20; ++round) {
    m.mmu().tlb().invalidate_all();
    for (int i = 0; i < 8; ++i) m.access(0, GuestVirt(kBase + i * 4096u), AccessType::kRead);
  }
  EXPECT_FALSE(agile(m).nested(pt));
  EXPECT_GE(agile(m).agile_stats().to_shadow, 1u);
  // Fully shadowed again: 4 references a walk.
  EXPECT_EQ(cold_walk_refs(m, GuestVirt(kBase + 4096)), 4u);
  EXPECT_EQ(m.access(0, GuestVirt(kBase + 0x1010), AccessType::kRead).hpa,
            composed(m, 0, GuestVirt(kBase + 0x1010)));
}

TEST(Agile, PageTableChurnTakesFewerExitsThanShadowPaging) {
  auto exits = [](PagingMode mode) {
    SimConfig c = config_for(mode);
    Machine m(c);
    for (int round = 0; round < 10; ++round) {
      m.apply(mmap_event(0, kBase, 32 * 4096));
      for (int i = 0; i < 32; ++i) m.access(0, GuestVirt(kBase + i * 4096u), AccessType::kWrite);
      m.apply(simple_event(EventKind::kMunmap, 0, kBase, 32 * 4096));
    }
    return m.result().vm_exits.total();
  };
  const uint64_t shadow = exits(PagingMode::kShadow);
  const uint64_t agile_exits = exits(PagingMode::kAgile);
  EXPECT_LT(agile_exits * 2, shadow) << agile_exits << " against " << shadow;
}

}  // namespace
}  // namespace memvirt
