#pragma once
// The counted part of a run: its counters at the end less their values when counting started
// (ChampSim subtracts its warm-up statistics the same way). What the machine holds at the end
// (page-table bytes) is a level, not a count, and is kept as it is.
#include <cstdint>
#include <string>

#include "sim/result.hpp"

namespace memvirt {

// `warmed`: the accesses simulated before `start` was taken.
RunResult counted_part(const RunResult& end, const RunResult& start, uint64_t warmed);

// What the counts of `run` cover, for a table's header after "counted: ": "steady state, ...",
// "from first touch ...". `with_count`: name the number of warm-up accesses.
std::string counting_note(const RunResult& run, bool with_count = true);

}  // namespace memvirt
