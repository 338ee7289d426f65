// Paravirtual direct paging: page-table writes become validated, batched mmu_update hypercalls,
// TLB control becomes mmuext_op hypercalls, and nothing is a VM exit.
#include <gtest/gtest.h>

#include <string>

#include "arch/paging.hpp"
#include "arch/table_cursor.hpp"
#include "support/machines.hpp"
#include "vmm/pv.hpp"

namespace memvirt {
namespace {

using namespace test;

constexpr uint64_t kPages = 101;

SimConfig pv_config(uint32_t batch, PageSize nested_page = PageSize::k4K) {
  SimConfig c = config_for(PagingMode::kPv, nested_page);
  c.model = VmmModel::kXen;
  c.pv_batch = batch;
  return c;
}

Pv& pv(Machine& m) { return dynamic_cast<Pv&>(m.hypervisor()); }

// kPages private pages, each written once: every leaf present and writable.
void map_and_touch(Machine& m) {
  m.apply(mmap_event(0, kBase, kPages * 4096));
  for (uint64_t i = 0; i < kPages; ++i)
    ASSERT_TRUE(m.access(0, GuestVirt(kBase + i * 4096), AccessType::kWrite).ok);
}

struct Delta {
  uint64_t writes, mmu_updates, mmuext_ops, hypercalls;
};

template <typename Op>
Delta measure(Machine& m, Op&& op) {
  const uint64_t w = m.kernel().stats().pte_writes;
  const PvStats s = pv(m).pv_stats();
  const uint64_t h = m.hypervisor().stats().hypercalls;
  op();
  const PvStats& t = pv(m).pv_stats();
  return {m.kernel().stats().pte_writes - w, t.mmu_update_calls - s.mmu_update_calls,
          t.mmuext_op_calls - s.mmuext_op_calls, m.hypervisor().stats().hypercalls - h};
}

struct BatchCase {
  uint32_t batch;
  uint64_t fork_calls;   // ceil(205 / batch)
  uint64_t unmap_calls;  // ceil(20 / batch)
};
constexpr BatchCase kBatches[] = {{1, 205, 20}, {7, 30, 3}, {32, 7, 1}};

TEST(PvBatch, ForkSendsCeilWritesOverBatchMmuUpdateHypercalls) {
  for (const BatchCase& b : kBatches) {
    Machine m(pv_config(b.batch));
    map_and_touch(m);
    const Delta d = measure(m, [&] { m.apply(fork_event(0, 1)); });
    // The parent's leaves made read-only, the child's leaves and its three new tables' entries.
    EXPECT_EQ(d.writes, 2 * kPages + 3);
    EXPECT_EQ(d.mmu_updates, b.fork_calls) << "batch " << b.batch;
    EXPECT_EQ(d.mmuext_ops, 1u) << "batch " << b.batch;  // the parent's TLB flush
    EXPECT_EQ(d.hypercalls, b.fork_calls + 1) << "batch " << b.batch;
    EXPECT_EQ(pv(m).queued(), 0u);
  }
}

TEST(PvBatch, MunmapSendsCeilWritesOverBatchMmuUpdateHypercalls) {
  for (const BatchCase& b : kBatches) {
    Machine m(pv_config(b.batch));
    map_and_touch(m);
    const Delta d = measure(m, [&] {
      m.apply(simple_event(EventKind::kMunmap, 0, kBase + (kPages - 20) * 4096, 20 * 4096));
    });
    EXPECT_EQ(d.writes, 20u);
    EXPECT_EQ(d.mmu_updates, b.unmap_calls) << "batch " << b.batch;
    EXPECT_EQ(d.mmuext_ops, 20u) << "batch " << b.batch;  // one INVLPG per page
  }
}

TEST(PvBatch, ShadowAndNestedMakeNoHypercalls) {
  for (PagingMode mode : {PagingMode::kShadow, PagingMode::kNested}) {
    SimConfig c = config_for(mode);
    c.pv_batch = 7;
    Machine m(c);
    map_and_touch(m);
    m.apply(fork_event(0, 1));
    m.apply(simple_event(EventKind::kMunmap, 0, kBase, 20 * 4096));
    EXPECT_EQ(m.result().hypercalls, 0u) << paging_mode_name(mode);
  }
}

TEST(Pv, PageTableWritesAndTlbControlTakeNoVmExit) {
  Machine m(pv_config(7));
  map_and_touch(m);
  m.apply(fork_event(0, 1));
  m.access(1, GuestVirt(kBase), AccessType::kWrite);
  m.apply(simple_event(EventKind::kMprotect, 1, kBase, 8 * 4096, kProtRead));
  m.apply(simple_event(EventKind::kExit, 1));
  m.apply(simple_event(EventKind::kSwitch, 0));
  const RunResult r = m.result();
  EXPECT_GT(r.guest_pt_writes, 200u);
  EXPECT_EQ(r.vm_exits.total(), 0u);
  const PvStats& s = pv(m).pv_stats();
  EXPECT_EQ(m.hypervisor().stats().hypercalls,
            s.mmu_update_calls + s.mmuext_op_calls + s.event_sends);
  EXPECT_EQ(s.updates, m.kernel().stats().pte_writes);
}

TEST(Pv, HardwareWalksMachineFramesWhileTheGuestReadsGuestPhysicalOnes) {
  Machine m(pv_config(1, PageSize::k2M));
  m.apply(mmap_event(0, kBase, 4 * 4096));
  const auto out = m.access(0, GuestVirt(kBase + 0x2010), AccessType::kWrite);
  ASSERT_TRUE(out.ok);
  EXPECT_EQ(out.hpa, composed(m, 0, GuestVirt(kBase + 0x2010)));
  // The leaf as the hardware reads it holds the machine frame; as the guest reads it, the
  // guest-physical one.
  const GuestPhys leaf =
      table_cursor<Pte>(m.kernel().process(0).root, 4,
                        [&](GuestPhys e) { return m.hypervisor().read_entry(e); })
          .follow(kBase + 0x2000, 1, [](const auto& e) { return e.child(); });
  const Pte machine(m.memory().read(*m.hypervisor().host_of(leaf)));
  EXPECT_EQ(machine.frame(), out.hpa.align_down(4096).raw());
  EXPECT_EQ(m.hypervisor().read_entry(leaf).frame(),
            m.kernel().lookup(0, GuestVirt(kBase + 0x2000))->gpa.raw());
  EXPECT_NE(machine.frame(), m.hypervisor().read_entry(leaf).frame());
  EXPECT_EQ(m.mmu().state().mode, TranslationMode::kOneDimension);
  EXPECT_EQ(m.mmu().state().root, m.hypervisor().host_of(m.kernel().process(0).root));
}

TEST(Pv, QueuedUpdateReadsAsQueuedAndReachesTheTablesOnCommit) {
  Machine m(pv_config(32));
  Pv& h = pv(m);
  const GuestPhys entry = m.kernel().process(0).root + 300 * 8u;
  const Pte value = Pte().set_present(true).set_writable(true).set_frame(0x7654000);
  h.write_entry(entry, value);
  EXPECT_EQ(h.queued(), 1u);
  EXPECT_EQ(h.read_entry(entry), value);
  EXPECT_EQ(m.memory().read(*h.host_of(entry)), 0u);
  const uint64_t calls = h.pv_stats().mmu_update_calls;
  h.commit();
  EXPECT_EQ(h.queued(), 0u);
  EXPECT_EQ(h.pv_stats().mmu_update_calls, calls + 1);
  EXPECT_EQ(h.read_entry(entry), value);
  const Pte machine(m.memory().read(*h.host_of(entry)));
  EXPECT_EQ(machine.frame(), h.host_of(GuestPhys(0x7654000))->raw());
}

TEST(Pv, TlbControlIsOneMmuextOpHypercallEach) {
  Machine m(pv_config(1));
  m.apply(mmap_event(0, kBase, 4096));
  m.access(0, GuestVirt(kBase), AccessType::kWrite);
  m.apply(fork_event(0, 1));
  const Delta sw = measure(m, [&] { m.apply(simple_event(EventKind::kSwitch, 1)); });
  EXPECT_EQ(sw.mmuext_ops, 1u);  // the CR3 load
  EXPECT_EQ(sw.mmu_updates, 0u);
  const Delta pr = measure(m, [&] {
    m.apply(simple_event(EventKind::kMprotect, 1, kBase, 4096, kProtNone));
  });
  EXPECT_EQ(pr.writes, 1u);
  EXPECT_EQ(pr.mmu_updates, 1u);
  EXPECT_EQ(pr.mmuext_ops, 1u);  // the INVLPG
}

TEST(Pv, GuestPageFaultsBounceThroughXenWithoutAnExit) {
  Machine m(pv_config(1));
  m.apply(mmap_event(0, kBase, 2 * 4096, PageSize::k4K, kProtRead));
  ASSERT_TRUE(m.access(0, GuestVirt(kBase), AccessType::kRead).ok);
  EXPECT_FALSE(m.access(0, GuestVirt(kBase + 4096), AccessType::kWrite).ok);
  EXPECT_EQ(pv(m).pv_stats().fault_bounces, 2u);
  EXPECT_EQ(m.kernel().stats().page_faults, 2u);
  EXPECT_EQ(m.result().vm_exits.total(), 0u);
}

TEST(Pv, ShootdownIpisAreEventChannelHypercallsNotExits) {
  SimConfig c = pv_config(1);
  c.vcpus = 2;
  Machine m(c);
  m.apply(mmap_event(0, kBase, 4096));
  m.access(0, GuestVirt(kBase), AccessType::kWrite);
  m.apply(simple_event(EventKind::kMunmap, 0, kBase, 4096));
  EXPECT_EQ(m.result().ipis, 1u);  // process 0 runs on both vCPUs
  EXPECT_EQ(pv(m).pv_stats().event_sends, 1u);
  EXPECT_EQ(m.result().vm_exits.total(), 0u);
}

TEST(Pv, GuestPagesLargerThanTheMachineFramesAreRefusedNamingTheOptions) {
  SimConfig c = pv_config(1);
  c.page = PageSize::k2M;
  try {
    Machine m(c);
    FAIL() << "a 2m guest page over 4k machine frames was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--page 2m"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--nested-page 2m"), std::string::npos) << e.what();
  }
  // A workload mapping a larger page than the configuration promised is refused as it maps it.
  Machine m(pv_config(1));
  m.apply(mmap_event(0, kBase, 2ull << 20, PageSize::k2M));
  EXPECT_THROW(m.access(0, GuestVirt(kBase), AccessType::kRead), std::invalid_argument);
  c.nested_page = PageSize::k2M;
  Machine ok(c);
  ok.apply(mmap_event(0, kBase, 2ull << 20, PageSize::k2M));
  const auto out = ok.access(0, GuestVirt(kBase + 0x1234), AccessType::kRead);
  EXPECT_EQ(out.hpa, composed(ok, 0, GuestVirt(kBase + 0x1234)));
}

}  // namespace
}  // namespace memvirt
