#pragma once
// What one run of one mode measured: plain counters, read by the report layer.
#include <cstdint>
#include <optional>

#include "mmu/mmu.hpp"
#include "mmu/tlb.hpp"
#include "os/kernel.hpp"
#include "sim/sim_config.hpp"
#include "timing/data_caches.hpp"
#include "timing/ledger.hpp"
#include "timing/nested_tlb.hpp"
#include "timing/paging_structure_cache.hpp"
#include "vmm/domain.hpp"
#include "vmm/hypervisor.hpp"
#include "vmm/vm_exit.hpp"

namespace memvirt {

struct RunResult {
  SimConfig config;
  uint64_t warmup = 0;           // accesses simulated before counting (every VM), not in the counts
  uint64_t accesses = 0;
  uint64_t segfaults = 0;        // accesses the guest kernel refused
  uint64_t tlb_hits = 0;
  uint64_t tlb_misses = 0;       // accesses whose first TLB lookup missed (at most one per access)
  uint64_t tlb_retries = 0;      // further translations after a fault, until the access translated
  uint64_t walks = 0;            // every walk, retries included
  uint64_t walk_refs = 0;
  uint64_t guest_refs = 0;
  uint64_t nested_refs = 0;
  uint64_t guest_page_faults = 0;
  uint64_t cow_faults = 0;       // of them, resolved by copy-on-write (a write after a fork)
  uint64_t guest_pt_writes = 0;  // page-table entry writes by the guest kernel
  uint64_t shadow_faults = 0;
  uint64_t shadow_syncs = 0;     // out-of-sync shadow pages resynchronized
  uint64_t hypercalls = 0;       // paravirtual calls into the VMM
  uint64_t tlb_flushes = 0;      // whole-TLB or per-tag invalidations, every CPU
  uint64_t refused_foreign_maps = 0;
  uint64_t ipis = 0;             // TLB shootdown IPIs
  VmExitStats vm_exits;
  uint64_t guest_pt_bytes = 0;   // guest page tables
  uint64_t shadow_pt_bytes = 0;  // shadow page tables (VMM)
  uint64_t nested_pt_bytes = 0;  // EPT/NPT tables (VMM)
  uint64_t p2m_bytes = 0;        // the VMM's gPA -> hPA map under shadow paging
  bool timed = false;            // a CPU model kept time: `cycles` holds the run's cycles
  CycleLedger cycles;            // summed over every CPU
  DataCacheStats caches;         // the data caches' loads (walk references included), every CPU
  // A trace's records at or above 2^47 (kernel addresses, or 5-level user space), left out of
  // the run, over the whole trace (warm-up included); empty for the generated workloads.
  std::optional<uint64_t> trace_skipped;

  // Every component's own counters (arch/counter_list.hpp), summed over the CPUs and the VMs:
  // the report's "counters". The paging-structure caches and the nested TLB are the CPU
  // model's, so they count only when `timed`.
  struct Components {
    MmuStats mmu;
    TlbStats tlb;
    PscStats pwc;
    PscStats nested_pwc;
    NestedTlbStats nested_tlb;
    KernelStats kernel;
    HypervisorStats vmm;
    DomainStats domain;
  } components;

  // Calls f(name, stats, ran) for each component in report order; `ran` is false for the CPU
  // model's structures when nothing was timed.
  template <typename F>
  void for_each_component(F&& f) const {
    const Components& c = components;
    f("mmu", c.mmu, true);
    f("tlb", c.tlb, true);
    f("pwc", c.pwc, timed);
    f("nested_pwc", c.nested_pwc, timed);
    f("nested_tlb", c.nested_tlb, timed);
    f("kernel", c.kernel, true);
    f("vmm", c.vmm, true);
    f("domain", c.domain, true);
  }

  double cycles_per_access() const {
    return accesses ? static_cast<double>(cycles.total()) / static_cast<double>(accesses) : 0.0;
  }

  double refs_per_miss() const {
    return tlb_misses ? static_cast<double>(walk_refs) / static_cast<double>(tlb_misses) : 0.0;
  }
};

}  // namespace memvirt
