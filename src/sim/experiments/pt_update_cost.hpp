#pragma once
// pt-update-cost: what one guest page-table write costs in VMM involvement. Native and nested
// paging leave the writes to the guest; shadow paging traps each one (or, with unsync, lets
// leaf tables drift and resynchronizes them at the next flush); PV sends them by hypercall,
// batched.
#include "sim/experiments/experiment.hpp"
#include "workload/spec.hpp"

namespace memvirt {

struct PtUpdateCostParams {
  ChurnSpec churn{.procs = 2, .maps = 16, .size = uint64_t{64} << 10, .steps = 200};
  uint32_t big_batch = 32;  // the batched PV row; the other sends one update per hypercall
};

PtUpdateCostParams pt_update_cost_params(bool quick);

// Rows, in order: native, shadow, shadow+unsync, pv batch 1, pv batch `big_batch`, nested. PV is
// Xen's, so its rows run the Xen model whatever `options.model` says.
ExperimentTable pt_update_cost(const ExperimentOptions& options, const PtUpdateCostParams& params);

inline ExperimentTable run_pt_update_cost(const ExperimentOptions& options) {
  return pt_update_cost(options, pt_update_cost_params(options.quick));
}

}  // namespace memvirt
