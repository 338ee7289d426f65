#pragma once
// What a sweep row's numbers depend on besides its configuration's settings: the content of its
// CPU preset and of its trace. The row carries their digests as "inputs", so that a resumed
// sweep can tell a row computed from an edited preset, or from another recording under the same
// trace name, and run it again instead of keeping its old numbers.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/sweep_results.hpp"

namespace memvirt {

class SweepInputs {
 public:
  // {"cpu": DIGEST, "trace": DIGEST}, each key where the configuration has that input (no "cpu"
  // for --cpu none; "trace": "stdin" for trace:-, which cannot be read twice). Each file is
  // read once, however many configurations share it. Throws std::runtime_error naming a file
  // that cannot be read, PresetError for a preset that cannot be found.
  nlohmann::json of(const SweepPoint& point);

 private:
  std::unordered_map<std::string, std::string> cpu_digests_;    // by --cpu value
  std::unordered_map<std::string, std::string> trace_digests_;  // by trace path
};

// The inputs of the configurations `todo` of `results`, by configuration index (null for the
// others).
std::vector<nlohmann::json> inputs_of(const SweepResults& results, const std::vector<size_t>& todo);

// Forgets the rows of `todo` whose "inputs" are not `inputs[index]`, rows from before rows
// carried them included; returns how many it forgot.
size_t forget_stale_rows(SweepResults& results, const std::vector<size_t>& todo,
                         const std::vector<nlohmann::json>& inputs);

}  // namespace memvirt
