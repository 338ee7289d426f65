#pragma once
// What can be known about a run before it starts: whether its configuration is one the machine
// can be built from, and whether the workload's data fits in the memory it would run in. A run
// refused here is refused in a moment, where it would otherwise fail minutes in.
#include "sim/sim_config.hpp"
#include "workload/spec.hpp"

namespace memvirt {

// Throws std::invalid_argument saying what of `config` cannot be built (the Machine's own check).
void check_sim_config(const SimConfig& config);

// Throws std::invalid_argument when the data the workload maps at one time is larger than the
// memory of the (guest or native) kernel that maps it: it would run out of frames partway.
void check_footprint(const SimConfig& config, const WorkloadSpec& spec);

// A trace read from stdin or a pipe can be read once. Throws std::invalid_argument when the
// workload is such a trace and would be opened `opens` > 1 times (once per mode, per VM, per
// configuration of a sweep): every open after the first would find it empty, or wait forever.
void check_trace_reads(const WorkloadSpec& spec, uint64_t opens);

// How many times one run of `config` opens its workload: once per workload VM.
uint64_t workload_opens(const SimConfig& config);

}  // namespace memvirt
