#pragma once
// Feeds workload events to a machine, in batches: one workload per VM, the VMs taking turns on
// the CPUs, the events of each spread over its vCPUs.
#include <memory>
#include <vector>

#include "sim/machine.hpp"
#include "workload/workload.hpp"

namespace memvirt {

// Runs one workload on the running VM and current CPU; returns the number of events applied.
uint64_t run_workload(Machine& machine, Workload& workload);

// Runs workloads[i] in VM i, interleaved, each on all vCPUs in turn.
uint64_t run_workloads(Machine& machine, std::vector<std::unique_ptr<Workload>>& workloads);

// One instance of `spec` per VM (one in native mode), run on `machine`.
void run_spec(Machine& machine, const WorkloadSpec& spec);

// A fresh machine running the spec in every VM, from the same seed.
RunResult simulate(const SimConfig& config, const WorkloadSpec& spec);

}  // namespace memvirt
