#pragma once
// What `sim` and `run` print beside their JSON: the table of the runs under a heading that says
// what ran and what was counted, and a note on trace records that could not be simulated.
#include <string>
#include <vector>

#include "sim/result.hpp"

namespace memvirt {

// With `counters`, every component's counters follow the table.
void print_sim_table(const std::string& workload, const std::vector<RunResult>& runs,
                     bool counters);

// A trace's records at or above 2^47 are left out: says how many on stderr (a warning when
// they are more than 1% of the records); throws std::runtime_error when nothing else was left.
void report_skipped_records(const RunResult& r);

}  // namespace memvirt
