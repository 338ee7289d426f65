#pragma once
// Feeds a workload's events to a machine, in batches.
#include "sim/machine.hpp"
#include "workload/workload.hpp"

namespace memvirt {

// Runs the whole workload; returns the number of events applied.
uint64_t run_workload(Machine& machine, Workload& workload);

// One machine per mode, each running the same workload from the same seed.
RunResult simulate(const SimConfig& config, const WorkloadSpec& spec);

}  // namespace memvirt
