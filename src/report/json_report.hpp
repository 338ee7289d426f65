#pragma once
// Results as JSON. Scripts read these keys: they are a contract, never renamed, only added to.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/result.hpp"

namespace memvirt {

// One run of one mode: counters, walk references, VM exits (every reason, zeros included) and
// page-table footprint.
nlohmann::json run_to_json(const RunResult& run);

// A whole `memvirt sim` invocation: the workload spec, the configuration the runs share (taken
// from the first run) and one row per mode, in the order given.
nlohmann::json sim_report_json(const std::string& workload, const std::vector<RunResult>& runs);

}  // namespace memvirt
