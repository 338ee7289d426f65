// Flat nested paging: the nested dimension is one flat table, one reference per nested
// translation; its entries come from the domain on EPT violations and go when the host changes
// the backing.
#include <gtest/gtest.h>

#include "arch/ept_entry.hpp"
#include "support/kvm_machine.hpp"
#include "support/machines.hpp"
#include "vmm/flat_nested.hpp"

namespace memvirt {
namespace {

using namespace test;

const FlatNested& flat(Machine& m) { return dynamic_cast<const FlatNested&>(m.hypervisor()); }

// The flat table's entry for `gpa`, as the hardware reads it.
EptEntry entry_of(Machine& m, GuestPhys gpa) {
  const auto at = flat(m).table().entry_of(gpa);
  return at ? EptEntry(m.memory().read(*at)) : EptEntry();
}

TEST(FlatNested, AWalkMakesOneNestedReferencePerGuestPhysicalAddress) {
  // 4 guest levels, each guest table and the data translated by one entry: 4 + 5, not 24.
  for (int levels : {4, 5}) {
    Machine m(config_for(PagingMode::kFlatNested, PageSize::k4K, levels));
    m.apply(mmap_event(0, kBase, 2 * 4096));
    m.access(0, GuestVirt(kBase), AccessType::kWrite);
    const uint64_t guest = m.mmu().stats().guest_refs;
    EXPECT_EQ(cold_walk_refs(m, GuestVirt(kBase + 4096)), uint64_t(2 * levels + 1)) << levels;
    EXPECT_GT(m.mmu().stats().guest_refs, guest);
  }
}

TEST(FlatNested, TranslationsAreOfFourKibEvenOverLargePages) {
  SimConfig c = config_for(PagingMode::kFlatNested, PageSize::k2M);
  c.page = PageSize::k2M;
  Machine m(c);
  m.apply(mmap_event(0, kBase, 2 << 20, PageSize::k2M));
  const auto out = m.access(0, GuestVirt(kBase + 0x3010), AccessType::kWrite);
  ASSERT_TRUE(out.ok);
  EXPECT_EQ(out.hpa, composed(m, 0, GuestVirt(kBase + 0x3010)));
  const TlbEntry* e = m.mmu().tlb().lookup(GuestVirt(kBase + 0x3010), m.mmu().state().tag);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->size, PageSize::k4K);
}

TEST(FlatNested, EntriesAreMadeOnEptViolationsAndGuestTableWritesDoNotExit) {
  Machine m(config_for(PagingMode::kFlatNested));
  m.apply(mmap_event(0, kBase, 4 * 4096));
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(m.access(0, GuestVirt(kBase + i * 4096u), AccessType::kWrite).ok);
  const RunResult r = m.result();
  EXPECT_EQ(r.vm_exits[ExitReason::kPtWrite], 0u);
  EXPECT_GT(r.vm_exits[ExitReason::kEptViolation], 0u);
  const GuestPhys gpa = m.kernel().lookup(0, GuestVirt(kBase))->gpa;
  const EptEntry e = entry_of(m, gpa);
  ASSERT_TRUE(e.present());
  EXPECT_EQ(HostPhys(e.frame()), composed(m, 0, GuestVirt(kBase)));
  // One 2 MiB chunk of entries covers the first GiB of guest memory.
  EXPECT_EQ(r.nested_pt_bytes, uint64_t{2} << 20);
}

TEST(FlatNested, HostMigrationDropsTheEntryAndTheNextAccessRefills) {
  Machine m(config_for(PagingMode::kFlatNested));
  m.apply(mmap_event(0, kBase, 4096));
  const auto before = m.access(0, GuestVirt(kBase + 0x10), AccessType::kWrite);
  const GuestPhys gpa = m.kernel().lookup(0, GuestVirt(kBase))->gpa;
  const uint64_t violations = m.result().vm_exits[ExitReason::kEptViolation];
  const GuestPhys to =
      kvm(m).host_kernel().migrate(domain(m).vmm_pid(), domain(m).memslot().hva_of(gpa));
  EXPECT_FALSE(entry_of(m, gpa).present());
  EXPECT_EQ(m.mmu().tlb().valid_entries(), 0u);
  const auto after = m.access(0, GuestVirt(kBase + 0x10), AccessType::kRead);
  ASSERT_TRUE(after.ok);
  EXPECT_EQ(m.result().vm_exits[ExitReason::kEptViolation], violations + 1);
  EXPECT_EQ(after.hpa, identity_host(to) + 0x10);
  EXPECT_NE(after.hpa, before.hpa);
}

TEST(FlatNested, UnderXenTheP2mIsNotWhatTheHardwareWalks) {
  SimConfig c = config_for(PagingMode::kFlatNested);
  c.model = VmmModel::kXen;
  Machine m(c);
  m.apply(mmap_event(0, kBase, 4096));
  const auto out = m.access(0, GuestVirt(kBase), AccessType::kWrite);
  ASSERT_TRUE(out.ok);
  EXPECT_EQ(out.hpa, composed(m, 0, GuestVirt(kBase)));
  const RunResult r = m.result();
  EXPECT_GT(r.p2m_bytes, 0u);  // Xen's own map
  EXPECT_EQ(r.nested_pt_bytes, uint64_t{2} << 20);  // the flat table alone
}

}  // namespace
}  // namespace memvirt
