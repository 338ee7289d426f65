#pragma once
// Feeds workload events to a machine, in batches: one workload per VM, the VMs taking turns on
// the CPUs, the events of each spread over its vCPUs. A run has a warm-up and a counted part:
// the counters of the result are those of the counted part alone.
#include <functional>
#include <memory>
#include <vector>

#include "sim/machine.hpp"
#include "workload/workload.hpp"

namespace memvirt {

// Runs one workload on the running VM and current CPU; returns the number of events applied.
uint64_t run_workload(Machine& machine, Workload& workload);

// Runs workloads[i] in VM i, interleaved, each on all vCPUs in turn, until each has applied
// `accesses` accesses of its own or ended; run again to go on. Returns the events applied.
uint64_t run_workloads(Machine& machine, std::vector<std::unique_ptr<Workload>>& workloads,
                       uint64_t accesses = UINT64_MAX);

// One instance of `spec` per VM (one in native mode), run on `machine`: first the warm-up that
// machine.config().warmup asks for (warmup.hpp), then `counting_starts` is called (also after
// an empty warm-up), then the rest. Returns the accesses the warm-up simulated, over all VMs.
// `skipped_records`, when given, receives the trace records the workloads could not simulate.
// `instance`, when given, makes VM i's workload instead of `spec` (a live trace's reader): the
// warm-up is still planned from `spec`.
using WorkloadInstance = std::function<std::unique_ptr<Workload>(int vm, const WorkloadContext&)>;
uint64_t run_spec(Machine& machine, const WorkloadSpec& spec,
                  const std::function<void()>& counting_starts = {},
                  uint64_t* skipped_records = nullptr, const WorkloadInstance& instance = {});

// A fresh machine running the spec in every VM, from the same seed: its counted part (all of
// it when there is no warm-up, the machine's start-of-day work included).
RunResult simulate(const SimConfig& config, const WorkloadSpec& spec);
// The same with VM i running instance(i, ...) (see run_spec).
RunResult simulate(const SimConfig& config, const WorkloadSpec& spec,
                   const WorkloadInstance& instance);

}  // namespace memvirt
