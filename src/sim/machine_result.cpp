// A machine's counters gathered into one RunResult, summed over its VMs and CPUs.
#include "sim/machine.hpp"

namespace memvirt {

RunResult Machine::result() const {
  RunResult r;
  r.config = config_;
  r.accesses = accesses_;
  r.segfaults = segfaults_;
  for (const Mmu& m : cpus_) {
    r.tlb_hits += m.stats().tlb_hits;
    r.tlb_misses += m.stats().tlb_misses;
    r.tlb_retries += m.stats().retries;
    r.walks += m.stats().walks;
    r.guest_refs += m.stats().guest_refs;
    r.nested_refs += m.stats().nested_refs;
    r.tlb_flushes += m.tlb().stats().flushes;
    add_counters(r.components.mmu, m.stats());
    add_counters(r.components.tlb, m.tlb().stats());
    if (const CpuTiming* t = m.timing()) {
      r.timed = true;
      r.cycles += t->ledger();
      r.caches += t->caches().stats();
      add_counters(r.components.pwc, t->psc().stats());
      add_counters(r.components.nested_pwc, t->nested_psc().stats());
      if (const NestedTlb* n = t->nested_tlb()) add_counters(r.components.nested_tlb, n->stats());
    }
  }
  r.walk_refs = r.guest_refs + r.nested_refs;
  for (const auto& g : guests_) {
    const KernelStats& k = g.kernel->stats();
    const HypervisorStats& h = g.hyp->stats();
    r.guest_page_faults += k.page_faults;
    r.cow_faults += k.cow_faults;
    r.guest_pt_writes += k.pte_writes;
    r.guest_pt_bytes += g.kernel->table_bytes();
    r.shadow_faults += h.shadow_faults;
    r.shadow_syncs += h.shadow_syncs;
    r.hypercalls += h.hypercalls;
    r.refused_foreign_maps += h.refused_foreign_maps;
    r.ipis += k.shootdown_ipis;
    add_counters(r.components.kernel, k);
    add_counters(r.components.vmm, h);
    if (g.domain) add_counters(r.components.domain, g.domain->stats());
    for (int i = 0; i < kExitReasonCount; ++i)
      r.vm_exits.by_reason[static_cast<size_t>(i)] += g.hyp->exits().by_reason[static_cast<size_t>(i)];
  }
  r.shadow_pt_bytes = mem_.bytes_in_use(FrameRole::kShadowPageTable);
  r.nested_pt_bytes = mem_.bytes_in_use(FrameRole::kNestedPageTable);
  r.p2m_bytes = mem_.bytes_in_use(FrameRole::kP2m);
  return r;
}

}  // namespace memvirt
