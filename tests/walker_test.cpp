// Page walks over hand-built tables: exact references, in hardware order, and exact faults.
#include <gtest/gtest.h>

#include <algorithm>

#include "arch/table_cursor.hpp"
#include "mmu/walker.hpp"
#include "support/table_builder.hpp"

namespace memvirt {
namespace {

using test::TableBuilder;
constexpr uint64_t kGiB = 1ull << 30;
constexpr uint64_t kVa = 0x0000'1234'5678'9abcull;  // arbitrary user address
constexpr uint64_t kGuestOffset = 64 * kGiB;        // gPA = hPA + 64 GiB for guest tables

// A native tree mapping kVa's page to a data frame of `size`.
struct NativeSetup {
  HostMemory mem{HostMemoryConfig{16 * kGiB}};
  TableBuilder tables{mem, 4};
  HostPhys data;
  explicit NativeSetup(PageSize size, uint64_t bits = test::kUserRw) {
    data = mem.allocate(size, FrameRole::kData);
    tables.map(GuestVirt(kVa).align_down(page_bytes(size)).raw(), data.raw(), size, bits);
  }
  WalkResult walk(AccessType type, bool user = true) {
    return walk_1d(mem, tables.root(), 4, WalkRequest{kVa, type, user, true});
  }
};

TEST(Walk1D, FourLevelWalkReadsFourEntriesRootFirst) {
  NativeSetup s(PageSize::k4K);
  const WalkResult w = s.walk(AccessType::kRead);
  ASSERT_EQ(w.status, WalkStatus::kOk);
  ASSERT_EQ(w.refs.size(), 4);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(w.refs[i].entry, s.tables.entry_of(kVa, 4 - i)) << "reference " << i;
    EXPECT_EQ(w.refs[i].level, 4 - i);
    EXPECT_EQ(w.refs[i].dim, Dimension::kGuest);
  }
  EXPECT_EQ(w.page, s.data);
  EXPECT_EQ(w.size, PageSize::k4K);
  EXPECT_EQ(w.perm, (Permissions{true, true, true}));
}

TEST(Walk1D, LargePagesStopEarly) {
  NativeSetup two_mb(PageSize::k2M);
  const WalkResult w2 = two_mb.walk(AccessType::kRead);
  EXPECT_EQ(w2.refs.size(), 3);
  EXPECT_EQ(w2.size, PageSize::k2M);
  EXPECT_EQ(w2.page, two_mb.data);
  NativeSetup one_gb(PageSize::k1G);
  const WalkResult w1 = one_gb.walk(AccessType::kRead);
  EXPECT_EQ(w1.refs.size(), 2);
  EXPECT_EQ(w1.size, PageSize::k1G);
  EXPECT_EQ(w1.page, one_gb.data);
}

TEST(Walk1D, FiveLevelWalkReadsFiveEntries) {
  HostMemory mem(HostMemoryConfig{4 * kGiB});
  TableBuilder t(mem, 5);
  const uint64_t va = (7ull << 48) | kVa;
  t.map(GuestVirt(va).align_down(4096).raw(), 0x4000'0000, PageSize::k4K, test::kUserRw);
  const WalkResult w = walk_1d(mem, t.root(), 5, WalkRequest{va, AccessType::kRead, true, true});
  ASSERT_EQ(w.status, WalkStatus::kOk);
  EXPECT_EQ(w.refs.size(), 5);
  EXPECT_EQ(w.refs[0].entry, t.entry_of(va, 5));
  EXPECT_EQ(w.page.raw(), 0x4000'0000u);
}

TEST(Walk1D, NotPresentFaultStopsAtTheMissingLevel) {
  HostMemory mem(HostMemoryConfig{4 * kGiB});
  TableBuilder t(mem, 4);
  const WalkResult w = walk_1d(mem, t.root(), 4, WalkRequest{kVa, AccessType::kWrite, true, true});
  EXPECT_EQ(w.status, WalkStatus::kPageFault);
  EXPECT_EQ(w.pf_error, kPfWrite | kPfUser);
  EXPECT_EQ(w.fault_level, 4);
  EXPECT_EQ(w.refs.size(), 1);
}

TEST(Walk1D, WriteToReadOnlyPageIsAProtectionFault) {
  NativeSetup s(PageSize::k4K, test::kUserRo);
  EXPECT_EQ(s.walk(AccessType::kRead).status, WalkStatus::kOk);
  const WalkResult w = s.walk(AccessType::kWrite);
  EXPECT_EQ(w.status, WalkStatus::kPageFault);
  EXPECT_EQ(w.pf_error, kPfPresent | kPfWrite | kPfUser);
  EXPECT_EQ(w.fault_level, 1);
}

TEST(Walk1D, UserAccessToSupervisorPageFaults) {
  NativeSetup s(PageSize::k4K, test::kKernelRw);
  EXPECT_EQ(s.walk(AccessType::kRead).pf_error, kPfPresent | kPfUser);
  EXPECT_EQ(s.walk(AccessType::kRead, /*user=*/false).status, WalkStatus::kOk);
}

TEST(Walk1D, FetchFromNoExecutePageFaults) {
  NativeSetup s(PageSize::k4K, test::kUserRw | (1ull << 63));
  EXPECT_EQ(s.walk(AccessType::kExecute).pf_error, kPfPresent | kPfUser | kPfFetch);
  EXPECT_EQ(s.walk(AccessType::kRead).status, WalkStatus::kOk);
}

TEST(Walk1D, SetsAccessedOnEveryLevelAndDirtyOnTheLeafOnWrite) {
  NativeSetup s(PageSize::k4K);
  s.walk(AccessType::kRead);
  for (int level = 4; level >= 1; --level)
    EXPECT_TRUE(Pte(s.mem.read(s.tables.entry_of(kVa, level))).accessed()) << level;
  EXPECT_FALSE(Pte(s.mem.read(s.tables.entry_of(kVa, 1))).dirty());
  const WalkResult w = s.walk(AccessType::kWrite);
  EXPECT_TRUE(w.dirty);
  EXPECT_TRUE(Pte(s.mem.read(s.tables.entry_of(kVa, 1))).dirty());
  EXPECT_FALSE(Pte(s.mem.read(s.tables.entry_of(kVa, 2))).dirty());
}

// Guest tables at gPA = hPA + kGuestOffset, an EPT mapping exactly those frames back, and the
// guest's data page mapped through both dimensions.
struct NestedSetup {
  HostMemory mem{HostMemoryConfig{256 * kGiB}};
  TableBuilder guest;
  TableBuilder ept;
  HostPhys data;
  uint64_t data_gpa;
  NestedSetup(int levels, PageSize guest_size, PageSize nested_size)
      : guest(mem, levels, kGuestOffset), ept(mem, levels) {
    data = mem.allocate(PageSize::k1G, FrameRole::kData);
    data_gpa = data.raw() + kGuestOffset;
    const uint64_t va = GuestVirt(kVa).align_down(page_bytes(guest_size)).raw();
    guest.map(va, data_gpa, guest_size, test::kUserRw);
    for (HostPhys t : guest.tables()) map_ept(t.raw() + kGuestOffset, nested_size);
    map_ept(data_gpa + GuestVirt(kVa).offset_in(page_bytes(guest_size)), nested_size);
  }
  void map_ept(uint64_t gpa, PageSize size) {
    const uint64_t base = GuestPhys(gpa).align_down(page_bytes(size)).raw();
    ept.map(base, base - kGuestOffset, size, test::kEptRwx);
  }
  WalkResult walk(int levels, AccessType type = AccessType::kRead) {
    return walk_2d(mem, GuestPhys(guest.root_in_space()), levels, ept.root(), levels,
                   WalkRequest{kVa, type, true, true});
  }
};

TEST(Walk2D, FourByFourLevelWalkMakesTwentyFourReferencesInHardwareOrder) {
  NestedSetup s(4, PageSize::k4K, PageSize::k4K);
  const WalkResult w = s.walk(4);
  ASSERT_EQ(w.status, WalkStatus::kOk);
  ASSERT_EQ(w.refs.size(), 24);
  // Each guest level: four EPT entries translating the guest entry's gPA, then the entry.
  int i = 0;
  for (int level = 4; level >= 1; --level) {
    const HostPhys guest_entry = s.guest.entry_of(kVa, level);
    const uint64_t guest_entry_gpa = guest_entry.raw() + kGuestOffset;
    for (int n = 4; n >= 1; --n, ++i) {
      EXPECT_EQ(w.refs[i].dim, Dimension::kNested) << i;
      EXPECT_EQ(w.refs[i].level, n) << i;
      EXPECT_EQ(w.refs[i].entry, s.ept.entry_of(guest_entry_gpa, n)) << i;
    }
    EXPECT_EQ(w.refs[i].dim, Dimension::kGuest) << i;
    EXPECT_EQ(w.refs[i].entry, guest_entry) << i;
    ++i;
  }
  // Then the final guest-physical address through the EPT.
  const uint64_t final_gpa = s.data_gpa + GuestVirt(kVa).offset_in(4096);
  for (int n = 4; n >= 1; --n, ++i) EXPECT_EQ(w.refs[i].entry, s.ept.entry_of(final_gpa, n)) << i;
  EXPECT_EQ(w.refs.count(Dimension::kGuest), 4);
  EXPECT_EQ(w.refs.count(Dimension::kNested), 20);
  EXPECT_EQ(w.gpa.raw(), final_gpa);
  EXPECT_EQ(w.page, s.data + GuestVirt(kVa).align_down(4096).offset_in(4096));
}

TEST(Walk2D, FiveByFiveLevelWalkMakesThirtyFiveReferences) {
  NestedSetup s(5, PageSize::k4K, PageSize::k4K);
  const WalkResult w = s.walk(5);
  ASSERT_EQ(w.status, WalkStatus::kOk);
  EXPECT_EQ(w.refs.size(), 35);
  EXPECT_EQ(w.refs.count(Dimension::kGuest), 5);
  EXPECT_EQ(w.refs.count(Dimension::kNested), 30);
}

struct SizeCase {
  PageSize guest, nested;
  int refs;
  PageSize effective;
};

TEST(Walk2D, ReferenceCountsForEveryPageSizeCombination) {
  // guest levels walked g, nested levels n: g * (n + 1) + n references.
  const SizeCase cases[] = {
      {PageSize::k4K, PageSize::k4K, 24, PageSize::k4K}, {PageSize::k2M, PageSize::k4K, 19, PageSize::k4K},
      {PageSize::k1G, PageSize::k4K, 14, PageSize::k4K}, {PageSize::k4K, PageSize::k2M, 19, PageSize::k4K},
      {PageSize::k2M, PageSize::k2M, 15, PageSize::k2M}, {PageSize::k1G, PageSize::k2M, 11, PageSize::k2M},
      {PageSize::k4K, PageSize::k1G, 14, PageSize::k4K}, {PageSize::k2M, PageSize::k1G, 11, PageSize::k2M},
      {PageSize::k1G, PageSize::k1G, 8, PageSize::k1G},
  };
  for (const SizeCase& c : cases) {
    NestedSetup s(4, c.guest, c.nested);
    const WalkResult w = s.walk(4);
    const auto label = std::string(page_size_name(c.guest)) + "/" + std::string(page_size_name(c.nested));
    ASSERT_EQ(w.status, WalkStatus::kOk) << label;
    EXPECT_EQ(w.refs.size(), c.refs) << label;
    EXPECT_EQ(w.size, c.effective) << label;
    EXPECT_EQ(w.guest_size, c.guest) << label;
    const uint64_t expected_hpa = s.data.raw() + GuestVirt(kVa).offset_in(page_bytes(c.guest));
    EXPECT_EQ(w.page, HostPhys(expected_hpa).align_down(page_bytes(c.effective))) << label;
  }
}

TEST(Walk2D, MissingNestedEntryForAGuestTableIsAViolationDuringTheGuestWalk) {
  HostMemory mem(HostMemoryConfig{256 * kGiB});
  TableBuilder guest(mem, 4, kGuestOffset);
  TableBuilder ept(mem, 4);
  guest.map(GuestVirt(kVa).align_down(4096).raw(), 0x1000, PageSize::k4K, test::kUserRw);
  const WalkResult w = walk_2d(mem, GuestPhys(guest.root_in_space()), 4, ept.root(), 4,
                               WalkRequest{kVa, AccessType::kRead, true, true});
  EXPECT_EQ(w.status, WalkStatus::kNestedFault);
  EXPECT_TRUE(w.nested_in_guest_walk);
  EXPECT_EQ(w.nested_gpa.raw(), guest.entry_of(kVa, 4).raw() + kGuestOffset);
  EXPECT_EQ(w.refs.size(), 1);  // the empty EPT root entry
}

TEST(Walk2D, MissingNestedEntryForTheDataIsAViolationOnTheFinalAddress) {
  NestedSetup s(4, PageSize::k4K, PageSize::k4K);
  // Remove the EPT leaf of the data page.
  const uint64_t final_gpa = s.data_gpa + GuestVirt(kVa).offset_in(4096);
  s.mem.write(s.ept.entry_of(final_gpa, 1), 0);
  const WalkResult w = s.walk(4, AccessType::kWrite);
  EXPECT_EQ(w.status, WalkStatus::kNestedFault);
  EXPECT_FALSE(w.nested_in_guest_walk);
  EXPECT_EQ(w.nested_gpa.raw(), final_gpa);
  EXPECT_EQ(w.refs.size(), 24);
}

TEST(Walk2D, GuestFaultIsReportedAsAPageFaultNotAViolation) {
  NestedSetup s(4, PageSize::k4K, PageSize::k4K);
  s.mem.write(s.guest.entry_of(kVa, 1), 0);
  const WalkResult w = s.walk(4);
  EXPECT_EQ(w.status, WalkStatus::kPageFault);
  EXPECT_EQ(w.pf_error, kPfUser);
  EXPECT_EQ(w.fault_level, 1);
  EXPECT_EQ(w.refs.size(), 20);
}

TEST(Walk2D, ReadOnlyNestedEntryRefusesAWrite) {
  NestedSetup s(4, PageSize::k4K, PageSize::k4K);
  const uint64_t final_gpa = s.data_gpa + GuestVirt(kVa).offset_in(4096);
  const HostPhys leaf = s.ept.entry_of(final_gpa, 1);
  s.mem.write(leaf, s.mem.read(leaf) & ~2ull);  // clear W
  EXPECT_EQ(s.walk(4, AccessType::kRead).status, WalkStatus::kOk);
  const WalkResult w = s.walk(4, AccessType::kWrite);
  EXPECT_EQ(w.status, WalkStatus::kNestedFault);
  EXPECT_FALSE(w.nested_in_guest_walk);
}

// An agile table for kVa over the nested setup: shadow entries from the root down to level
// `s` + 1, whose entry switches to the guest's own table at level `s`; `s` = 0 maps the data
// frame in the shadow leaf, as a fully shadowed walk.
struct AgileSetup : NestedSetup {
  HostPhys agile_root;
  explicit AgileSetup(int s) : NestedSetup(4, PageSize::k4K, PageSize::k4K) {
    agile_root = mem.allocate(PageSize::k4K, FrameRole::kShadowPageTable);
    HostPhys table = agile_root;
    for (int level = 4; level > std::max(s, 1); --level) {
      const HostPhys child = mem.allocate(PageSize::k4K, FrameRole::kShadowPageTable);
      mem.write(entry_address(table, kVa, level), child.raw() | test::kUserRw);
      table = child;
    }
    const HostPhys entry = entry_address(table, kVa, std::max(s, 1));
    if (s == 0) {
      mem.write(entry, data.raw() | test::kUserRw);
    } else {
      // The switching entry, one level above the guest's table at level s.
      table = agile_root;
      for (int level = 4; level > s + 1; --level)
        table = HostPhys(Pte(mem.read(entry_address(table, kVa, level))).frame());
      const HostPhys guest_table = guest.last_path()[static_cast<size_t>(4 - s)];
      mem.write(entry_address(table, kVa, s + 1),
                Pte(guest_table.raw() | test::kUserRw).set_switches(true).raw());
    }
  }
  WalkResult walk(const AgileRoot& root) {
    return walk_agile(mem, root, 4, ept.root(), 4, WalkRequest{kVa, AccessType::kRead, true, true});
  }
};

TEST(WalkAgile, ReferencesGrowByFourForEachGuestLevelWalkedNested) {
  // Gandhi et al.'s Table VI: 4 fully shadowed; 8, 12, 16 with the lowest 1, 2, 3 guest levels
  // nested; 20 switched at the root (the guest's root by host address); 24 is plain nested.
  for (int s = 0; s <= 3; ++s) {
    AgileSetup a(s);
    const WalkResult w = a.walk({a.agile_root, false});
    ASSERT_EQ(w.status, WalkStatus::kOk) << s;
    EXPECT_EQ(w.refs.size(), 4 + 4 * s) << s;
    EXPECT_EQ(w.nested_guest_levels, s);
    EXPECT_EQ(w.refs.count(Dimension::kNested), s == 0 ? 0 : 4 * s) << s;
    EXPECT_EQ(w.page, a.data + GuestVirt(kVa).align_down(4096).offset_in(4096)) << s;
  }
  AgileSetup a(1);
  const WalkResult root = a.walk({a.guest.root(), true});
  ASSERT_EQ(root.status, WalkStatus::kOk);
  EXPECT_EQ(root.refs.size(), 20);
  EXPECT_EQ(root.nested_guest_levels, 4);
  EXPECT_EQ(a.NestedSetup::walk(4).refs.size(), 24);
}

TEST(WalkAgile, BelowTheSwitchTheWalkReadsTheGuestsEntriesInHardwareOrder) {
  AgileSetup a(2);  // shadow PML4E, switching PDPTE; guest PD and PT walked nested
  const WalkResult w = a.walk({a.agile_root, false});
  ASSERT_EQ(w.status, WalkStatus::kOk);
  ASSERT_EQ(w.refs.size(), 12);
  EXPECT_EQ(w.refs[0].entry, entry_address(a.agile_root, kVa, 4));
  // The guest's PD by its host address, read at once; then its PT's gPA through the EPT.
  EXPECT_EQ(w.refs[2].entry, a.guest.entry_of(kVa, 2));
  for (int n = 4, i = 3; n >= 1; --n, ++i) {
    EXPECT_EQ(w.refs[i].dim, Dimension::kNested) << i;
    EXPECT_EQ(w.refs[i].entry, a.ept.entry_of(a.guest.entry_of(kVa, 1).raw() + kGuestOffset, n));
  }
  EXPECT_EQ(w.refs[7].entry, a.guest.entry_of(kVa, 1));
  EXPECT_EQ(w.gpa.raw(), a.data_gpa + GuestVirt(kVa).offset_in(4096));
}

TEST(WalkAgile, AMissingGuestEntryBelowTheSwitchIsAGuestPageFault) {
  AgileSetup a(1);
  a.mem.write(a.guest.entry_of(kVa, 1), 0);
  const WalkResult w = a.walk({a.agile_root, false});
  EXPECT_EQ(w.status, WalkStatus::kPageFault);
  EXPECT_EQ(w.fault_level, 1);
  EXPECT_EQ(w.nested_guest_levels, 1);
}

}  // namespace
}  // namespace memvirt
