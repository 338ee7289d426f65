#pragma once
// tlb-tags: how TLB tags decide what survives. Without tags every VM exit, VM switch and CR3
// write empties the TLB; one ASID bit keeps it across exits only; a per-VM ASID/VPID keeps it
// across VM switches; PCID keeps it across the guest's own process switches.
#include <cstdint>

#include "sim/experiments/experiment.hpp"
#include "workload/spec.hpp"

namespace memvirt {

struct TlbTagsParams {
  // One VM whose processes take turns. Their working sets together, the shared region once per
  // process (PCID-tagged entries are per process), fit in the TLB: 4 x (64 + 256) of 1536 pages.
  CtxSwitchSpec ctxswitch{.procs = 4,
                          .ws = uint64_t{256} << 10,
                          .shared = uint64_t{1} << 20,
                          .quantum = 1000,
                          .steps = 100'000};
  // `vms` VMs taking turns, each over a working set that, all VMs together, fits in the TLB.
  RandomSpec multi_vm{.ws = uint64_t{2} << 20, .steps = 100'000};
  int vms = 2;
  uint64_t vm_quantum = 10'000;  // events a VM runs before the next VM gets the CPU
};

TlbTagsParams tlb_tags_params(bool quick);

// Rows: for each workload (ctxswitch, then multi-VM), each mode (shadow, nested), each scheme
// (none, asid1, asid, vpid, vpid+pcid).
ExperimentTable tlb_tags(const ExperimentOptions& options, const TlbTagsParams& params);

inline ExperimentTable run_tlb_tags(const ExperimentOptions& options) {
  return tlb_tags(options, tlb_tags_params(options.quick));
}

}  // namespace memvirt
