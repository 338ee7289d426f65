#pragma once
// vmm-memory: the page-table memory a VMM holds as a guest runs more processes that share
// memory. Shadow paging keeps one shadow tree per guest process, each mapping the shared region
// again; nested paging keeps one tree per VM, sized by the guest-physical memory in use.
#include <cstdint>

#include "sim/experiments/experiment.hpp"
#include "workload/spec.hpp"

namespace memvirt {

struct VmmMemoryParams {
  // procs is set per row; steps too, so that every process runs its turns whatever their number.
  CtxSwitchSpec base{.procs = 1,
                     .ws = uint64_t{256} << 10,
                     .shared = uint64_t{16} << 20,
                     .quantum = 1000,
                     .steps = 20000};
  uint32_t max_procs = 256;        // rows for 1, 2, 4, ... up to this
  uint64_t turns_per_process = 2;  // steps = max(base.steps, procs * quantum * turns)
};

VmmMemoryParams vmm_memory_params(const ExperimentOptions& options);

// One row per process count: guest, shadow and nested page-table KiB.
ExperimentTable vmm_memory(const ExperimentOptions& options, const VmmMemoryParams& params);

inline ExperimentTable run_vmm_memory(const ExperimentOptions& options) {
  return vmm_memory(options, vmm_memory_params(options));
}

}  // namespace memvirt
