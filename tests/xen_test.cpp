// The Xen model: Dom0 below the DomUs, every host frame handed to exactly one domain, and no
// domain able to map a frame it was not given.
#include <gtest/gtest.h>

#include <set>

#include "arch/paging.hpp"
#include "arch/table_cursor.hpp"
#include "support/machines.hpp"
#include "vmm/pv.hpp"
#include "vmm/xen_vmm.hpp"

namespace memvirt {
namespace {

using namespace test;

SimConfig xen_config(PagingMode mode, int vms) {
  SimConfig c = config_for(mode);
  c.model = VmmModel::kXen;
  c.vms = vms;
  return c;
}

// Guest-physical address of the entry for `va` at `level` in the tables rooted at `root`, read
// through the guest's own view of them.
GuestPhys entry_of(Hypervisor& h, GuestPhys root, int levels, GuestVirt va, int level) {
  return table_cursor<Pte>(root, levels, [&](GuestPhys e) { return h.read_entry(e); })
      .follow(va.raw(), level, [](const auto& e) { return e.child(); });
}

Pte machine_leaf(HostPhys frame) {
  return Pte().set_present(true).set_writable(true).set_user(true).set_frame(frame.raw());
}

TEST(XenModel, Dom0IsAGuestOnlyInTheXenModel) {
  for (int vms : {1, 3}) {
    SimConfig c = xen_config(PagingMode::kShadow, vms);
    Machine xen(c);
    EXPECT_EQ(xen.guest_count(), static_cast<size_t>(vms) + 1);
    EXPECT_EQ(xen.first_workload_vm(), 1u);
    EXPECT_EQ(xen.hypervisor(0).config().vm, XenVmm::kDom0);
    c.model = VmmModel::kKvm;
    Machine kvm(c);
    EXPECT_EQ(kvm.guest_count(), static_cast<size_t>(vms));
    EXPECT_EQ(kvm.first_workload_vm(), 0u);
  }
}

TEST(XenModel, WorkloadRunsInTheFirstDomUNotInDom0) {
  Machine m(xen_config(PagingMode::kPv, 1));
  m.apply(mmap_event(0, kBase, 4096));
  ASSERT_TRUE(m.access(0, GuestVirt(kBase), AccessType::kWrite).ok);
  EXPECT_EQ(m.hypervisor().config().vm, 2u);
  EXPECT_EQ(m.kernel(1).stats().page_faults, 1u);
  EXPECT_EQ(m.kernel(0).stats().page_faults, 0u);
}

TEST(XenVmm, HandsEachDomainDistinctFramesAndRecordsTheirOwner) {
  HostMemory mem(HostMemoryConfig{uint64_t{16} << 30});
  XenVmm xen(VmmHostConfig{VmmModel::kXen, PagingMode::kPv, PageSize::k4K, 4, uint64_t{4} << 30},
             mem);
  std::vector<std::unique_ptr<Domain>> domains;
  for (uint16_t vm = 1; vm <= 3; ++vm) domains.push_back(xen.create_domain(vm));
  std::set<uint64_t> seen;
  for (auto& d : domains)
    for (uint64_t gpa : {0ull, 0x1000ull, 0x200000ull, 0x40000000ull}) {
      const HostPhys h = d->populate(GuestPhys(gpa));
      EXPECT_TRUE(seen.insert(h.raw()).second) << "vm " << d->vm() << " gpa " << gpa;
      EXPECT_EQ(xen.owners().owner_of(h), d->vm());
      for (auto& other : domains) EXPECT_EQ(other->owns(h), other == d);
    }
  EXPECT_EQ(xen.owners().frames(), 12u);
  // Xen's own memory (the p2m tables) belongs to no domain.
  EXPECT_EQ(xen.owners().owner_of(domains[0]->ept_root()), std::nullopt);
  EXPECT_FALSE(domains[0]->owns(domains[0]->ept_root()));
}

TEST(XenVmm, EveryDomainOwnsItsStartOfDayFrameBeforeItRuns) {
  for (PagingMode mode : {PagingMode::kShadow, PagingMode::kPv, PagingMode::kNested}) {
    Machine m(xen_config(mode, 2));
    std::set<uint64_t> roots;
    for (size_t g = 0; g < m.guest_count(); ++g) {
      // The first process's root is the guest's first frame, which the domain builder backed.
      const GuestPhys root = m.kernel(g).process(0).root;
      EXPECT_EQ(root, GuestPhys(0));
      const auto h = m.hypervisor(g).host_of(root);
      ASSERT_TRUE(h.has_value()) << paging_mode_name(mode) << " guest " << g;
      EXPECT_TRUE(m.hypervisor(g).domain()->owns(*h));
      roots.insert(h->raw());
    }
    EXPECT_EQ(roots.size(), 3u) << paging_mode_name(mode);
  }
}

// A DomU's request to map `frame` at the unmapped page kBase + 4 KiB of its process 0.
struct ForeignMapFixture {
  Machine m{xen_config(PagingMode::kPv, 2)};
  Pv& domu = dynamic_cast<Pv&>(m.hypervisor(1));
  GuestPhys entry;

  ForeignMapFixture() {
    m.apply(mmap_event(0, kBase, 2 * 4096));
    m.access(0, GuestVirt(kBase), AccessType::kWrite);
    entry = entry_of(domu, m.kernel(1).process(0).root, 4, GuestVirt(kBase + 4096), 1);
  }
  HostPhys root_of(size_t guest) {
    return *m.hypervisor(guest).host_of(m.kernel(guest).process(0).root);
  }
};

TEST(XenModel, DomUCannotMapAFrameOwnedByDom0) {
  ForeignMapFixture f;
  EXPECT_FALSE(f.domu.mmu_update(f.entry, machine_leaf(f.root_of(0)).raw()));
  EXPECT_EQ(f.domu.stats().refused_foreign_maps, 1u);
  EXPECT_EQ(f.domu.read_entry(f.entry), Pte());
  EXPECT_EQ(f.m.memory().read(*f.domu.host_of(f.entry)), 0u);
  EXPECT_EQ(f.m.result().refused_foreign_maps, 1u);
}

TEST(XenModel, DomUCannotMapAFrameOwnedByAnotherDomU) {
  ForeignMapFixture f;
  EXPECT_FALSE(f.domu.mmu_update(f.entry, machine_leaf(f.root_of(2)).raw()));
  EXPECT_EQ(f.domu.stats().refused_foreign_maps, 1u);
  EXPECT_EQ(f.domu.read_entry(f.entry), Pte());
  // The page stays unmapped: touching it is an ordinary demand fault onto the DomU's own frame.
  const auto out = f.m.access(0, GuestVirt(kBase + 4096), AccessType::kRead);
  ASSERT_TRUE(out.ok);
  EXPECT_NE(out.hpa.align_down(4096), f.root_of(2));
  EXPECT_TRUE(f.domu.domain()->owns(out.hpa));
}

TEST(XenModel, DomUMayMapAFrameItOwns) {
  ForeignMapFixture f;
  const HostPhys own = f.m.access(0, GuestVirt(kBase), AccessType::kRead).hpa;
  EXPECT_TRUE(f.domu.mmu_update(f.entry, machine_leaf(own).raw()));
  EXPECT_EQ(f.domu.stats().refused_foreign_maps, 0u);
  // The guest reads its entry back as the guest-physical frame; the hardware walks the machine
  // frame, with no fault.
  EXPECT_EQ(f.domu.read_entry(f.entry).frame(),
            f.m.kernel().lookup(0, GuestVirt(kBase))->gpa.raw());
  const uint64_t faults = f.m.kernel().stats().page_faults;
  EXPECT_EQ(f.m.access(0, GuestVirt(kBase + 4096), AccessType::kRead).hpa, own);
  EXPECT_EQ(f.m.kernel().stats().page_faults, faults);
}

}  // namespace
}  // namespace memvirt
