// The KVM model: guest memory is memory of a VMM process of the host kernel; EPT entries copy the
// host mapping on EPT violations; host munmap and migration invalidate what was derived.
#include <gtest/gtest.h>

#include "mmu/walker.hpp"
#include "support/kvm_machine.hpp"
#include "support/machines.hpp"

namespace memvirt {
namespace {

using namespace test;

// What the VM's EPT maps `gpa` to, as the hardware would see it.
NestedTranslation ept_of(Machine& m, GuestPhys gpa) {
  WalkRefs scratch;
  Domain& d = domain(m);
  return walk_nested(m.memory(), d.ept_root(), d.ept_levels(), gpa, AccessType::kRead, false,
                     scratch);
}

TEST(KvmModel, EptEntriesTakeTheSizeOfTheHostPagesBackingGuestMemory) {
  struct Case {
    PageSize host_page;
    uint64_t refs;  // 4 guest levels, each through the EPT, then the data's gPA
  };
  for (const Case c : {Case{PageSize::k4K, 4 * 5 + 4}, Case{PageSize::k2M, 4 * 4 + 3},
                       Case{PageSize::k1G, 4 * 3 + 2}}) {
    Machine m(config_for(PagingMode::kNested, c.host_page));
    m.apply(mmap_event(0, kBase, 2 * 4096));
    m.access(0, GuestVirt(kBase), AccessType::kWrite);
    EXPECT_EQ(cold_walk_refs(m, GuestVirt(kBase + 4096)), c.refs) << page_size_name(c.host_page);
    const GuestPhys gpa = m.kernel().lookup(0, GuestVirt(kBase))->gpa;
    const NestedTranslation t = ept_of(m, gpa);
    ASSERT_TRUE(t.ok);
    EXPECT_EQ(t.size, c.host_page);
    EXPECT_EQ(t.hpa, composed(m, 0, GuestVirt(kBase)));
  }
}

TEST(KvmModel, GuestMemoryIsBackedByHostDemandPagingOfTheVmmProcess) {
  Machine m(config_for(PagingMode::kNested));
  Kernel& host = kvm(m).host_kernel();
  EXPECT_EQ(host.stats().demand_faults, 0u);
  m.apply(mmap_event(0, kBase, 4096));
  const auto out = m.access(0, GuestVirt(kBase + 8), AccessType::kWrite);
  ASSERT_TRUE(out.ok);
  const GuestPhys gpa = m.kernel().lookup(0, GuestVirt(kBase + 8))->gpa;
  const auto host_map = host.lookup(domain(m).vmm_pid(), domain(m).memslot().hva_of(gpa));
  ASSERT_TRUE(host_map.has_value());
  EXPECT_EQ(out.hpa, identity_host(host_map->gpa));
  // Each guest-physical page touched (4 guest tables, the data page) took one host fault.
  EXPECT_EQ(host.stats().demand_faults, 5u);
  EXPECT_GT(m.memory().bytes_in_use(FrameRole::kHostPageTable), 0u);
}

TEST(KvmModel, HostMunmapOfGuestMemoryZapsTheEptEntryAndTheNextAccessRefaults) {
  Machine m(config_for(PagingMode::kNested));
  m.apply(mmap_event(0, kBase, 4096));
  ASSERT_TRUE(m.access(0, GuestVirt(kBase), AccessType::kWrite).ok);
  const GuestPhys gpa = m.kernel().lookup(0, GuestVirt(kBase))->gpa;
  ASSERT_TRUE(ept_of(m, gpa).ok);
  // The VMM gives the page back (a balloon's MADV_DONTNEED: unmapped, then mapped afresh).
  Kernel& host = kvm(m).host_kernel();
  const GuestVirt hva = domain(m).memslot().hva_of(gpa);
  host.munmap(domain(m).vmm_pid(), hva, 4096);
  EXPECT_FALSE(ept_of(m, gpa).ok);
  EXPECT_EQ(m.mmu().tlb().valid_entries(), 0u);  // INVEPT
  EXPECT_EQ(domain(m).stats().invalidations, 1u);
  host.mmap(domain(m).vmm_pid(), hva, 4096, kProtRead | kProtWrite, PageSize::k4K);
  const uint64_t violations = m.result().vm_exits[ExitReason::kEptViolation];
  const auto out = m.access(0, GuestVirt(kBase), AccessType::kRead);
  ASSERT_TRUE(out.ok);
  EXPECT_EQ(m.result().vm_exits[ExitReason::kEptViolation], violations + 1);
  EXPECT_EQ(out.hpa, identity_host(host.lookup(domain(m).vmm_pid(), hva)->gpa));
  EXPECT_EQ(ept_of(m, gpa).hpa, out.hpa);
}

TEST(KvmModel, HostMigrationMovesTheNestedTranslationToTheNewFrame) {
  Machine m(config_for(PagingMode::kNested));
  m.apply(mmap_event(0, kBase, 4096));
  const auto before = m.access(0, GuestVirt(kBase + 0x10), AccessType::kWrite);
  const GuestPhys gpa = m.kernel().lookup(0, GuestVirt(kBase))->gpa;
  const uint64_t violations = m.result().vm_exits[ExitReason::kEptViolation];
  const GuestPhys to = kvm(m).host_kernel().migrate(domain(m).vmm_pid(),
                                                     domain(m).memslot().hva_of(gpa));
  EXPECT_FALSE(ept_of(m, gpa).ok);
  const auto after = m.access(0, GuestVirt(kBase + 0x10), AccessType::kRead);
  ASSERT_TRUE(after.ok);
  EXPECT_EQ(m.result().vm_exits[ExitReason::kEptViolation], violations + 1);
  EXPECT_EQ(after.hpa, identity_host(to) + 0x10);
  EXPECT_NE(after.hpa, before.hpa);
}

TEST(KvmModel, HostMigrationZapsTheShadowLeafAndTheNextAccessRefills) {
  Machine m(config_for(PagingMode::kShadow));
  m.apply(mmap_event(0, kBase, 4096));
  const auto before = m.access(0, GuestVirt(kBase + 0x10), AccessType::kWrite);
  const GuestPhys gpa = m.kernel().lookup(0, GuestVirt(kBase))->gpa;
  const uint64_t zaps = m.hypervisor().stats().shadow_zaps;
  const uint64_t faults = m.hypervisor().stats().shadow_faults;
  const GuestPhys to = kvm(m).host_kernel().migrate(domain(m).vmm_pid(),
                                                     domain(m).memslot().hva_of(gpa));
  EXPECT_EQ(m.hypervisor().stats().shadow_zaps, zaps + 1);
  EXPECT_EQ(m.mmu().tlb().valid_entries(), 0u);
  const auto after = m.access(0, GuestVirt(kBase + 0x10), AccessType::kRead);
  ASSERT_TRUE(after.ok);
  EXPECT_EQ(m.hypervisor().stats().shadow_faults, faults + 1);
  EXPECT_EQ(after.hpa, identity_host(to) + 0x10);
  EXPECT_NE(after.hpa, before.hpa);
}

TEST(KvmModel, MigratingAGuestPageTableKeepsItsEntries) {
  for (PagingMode mode : {PagingMode::kShadow, PagingMode::kNested}) {
    Machine m(config_for(mode));
    m.apply(mmap_event(0, kBase, 4096));
    ASSERT_TRUE(m.access(0, GuestVirt(kBase), AccessType::kWrite).ok);
    const GuestPhys root = m.kernel().process(0).root;
    kvm(m).host_kernel().migrate(domain(m).vmm_pid(), domain(m).memslot().hva_of(root));
    m.mmu().tlb().invalidate_all();
    const auto out = m.access(0, GuestVirt(kBase), AccessType::kRead);
    ASSERT_TRUE(out.ok) << paging_mode_name(mode);
    EXPECT_EQ(out.hpa, composed(m, 0, GuestVirt(kBase))) << paging_mode_name(mode);
    EXPECT_EQ(m.kernel().stats().page_faults, 1u) << paging_mode_name(mode);
  }
}

TEST(KvmModel, ShadowPagingKeepsNoP2mTreeAndNestedPagingKeepsAnEpt) {
  Machine shadow(config_for(PagingMode::kShadow));
  Machine nested(config_for(PagingMode::kNested));
  for (Machine* m : {&shadow, &nested}) {
    m->apply(mmap_event(0, kBase, 4096));
    ASSERT_TRUE(m->access(0, GuestVirt(kBase), AccessType::kWrite).ok);
  }
  EXPECT_EQ(shadow.result().p2m_bytes, 0u);
  EXPECT_EQ(shadow.result().nested_pt_bytes, 0u);
  EXPECT_THROW(shadow.hypervisor().domain()->ept_root(), std::logic_error);
  EXPECT_EQ(nested.result().p2m_bytes, 0u);
  // The guest's tables and data sit in the first 2 MiB of guest-physical memory: one EPT path.
  EXPECT_EQ(nested.result().nested_pt_bytes, 4 * 4096u);
}

TEST(KvmModel, EachVmIsItsOwnVmmProcessWithItsOwnFrames) {
  SimConfig c = config_for(PagingMode::kNested);
  c.vms = 2;
  Machine m(c);
  m.apply(mmap_event(0, kBase, 4096));
  const auto a = m.access(0, GuestVirt(kBase), AccessType::kWrite);
  m.switch_vm(1);
  m.apply(mmap_event(0, kBase, 4096));
  const auto b = m.access(0, GuestVirt(kBase), AccessType::kWrite);
  ASSERT_TRUE(a.ok && b.ok);
  EXPECT_EQ(m.kernel(0).lookup(0, GuestVirt(kBase))->gpa,
            m.kernel(1).lookup(0, GuestVirt(kBase))->gpa);
  EXPECT_NE(a.hpa, b.hpa);
  EXPECT_NE(domain(m).vmm_pid(), dynamic_cast<KvmDomain&>(*m.hypervisor(0).domain()).vmm_pid());
}

}  // namespace
}  // namespace memvirt
