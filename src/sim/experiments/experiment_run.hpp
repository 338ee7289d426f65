#pragma once
// What the experiments share: the machine the options describe, one run with the VMM's own
// counters (RunResult keeps only the ones `memvirt sim` reports), and safe ratios.
#include <cstdint>

#include "sim/experiments/experiment.hpp"
#include "sim/result.hpp"
#include "sim/sim_config.hpp"
#include "vmm/hypervisor.hpp"
#include "workload/spec.hpp"

namespace memvirt {

struct ExperimentRun {
  RunResult result;
  HypervisorStats vmm;      // summed over every VM, Dom0 included
  uint64_t pv_updates = 0;  // page-table updates Xen validated and applied (pv mode)
};

// The default machine in `mode`, with the user's seed, model and paging levels.
SimConfig experiment_config(const ExperimentOptions& options, PagingMode mode);

// Runs `spec` as simulate() does. A failure names `label`, so the user knows which row broke.
ExperimentRun run_experiment(const SimConfig& config, const WorkloadSpec& spec,
                             const std::string& label);

// num / den, 0 when den is 0: an idle row divides by zero counts.
double ratio(uint64_t num, uint64_t den);
double ratio(double num, double den);

}  // namespace memvirt
