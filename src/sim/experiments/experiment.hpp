#pragma once
// Experiments: each a fixed matrix of simulated configurations that turns one claim of the seed
// chapter into a table. An experiment produces rows of typed values (numbers stay numbers) and
// names its columns; the command line renders them as text or writes them as JSON, so the two
// never disagree.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vmm/vmm_host.hpp"

namespace memvirt {

// Insertion-ordered, so the JSON keys come out in the order of the table's columns.
using ExperimentRow = nlohmann::ordered_json;

// What the user may vary in every experiment; the rest of each matrix is the experiment itself.
struct ExperimentOptions {
  uint64_t seed = 1;
  VmmModel model = VmmModel::kKvm;
  int levels = 4;            // guest paging levels; EPT levels follow them
  uint32_t max_procs = 256;  // vmm-memory: the largest process count
  bool quick = false;        // reduced sizes: seconds under sanitizers, for smoke tests
  std::optional<uint64_t> warmup;  // SimConfig::warmup of the steady-state experiments
};

enum class CellKind : uint8_t { kText, kCount, kFixed };

struct ExperimentColumn {
  std::string key;     // the row's JSON key
  std::string header;  // '\n' splits it over lines
  CellKind kind = CellKind::kCount;
  int decimals = 2;    // kFixed only
};

struct ExperimentTable {
  std::vector<ExperimentColumn> columns;
  std::vector<ExperimentRow> rows;
  std::string counting;  // what the counts cover: steady state, or from first touch
};

struct Experiment {
  std::string name;     // as typed after `memvirt experiment`
  std::string summary;  // one line, for --list
  std::function<ExperimentTable(const ExperimentOptions&)> run;
};

// Every experiment, in the order --list shows them.
const std::vector<Experiment>& experiments();
// The experiment called `name`, or nullptr.
const Experiment* find_experiment(std::string_view name);

}  // namespace memvirt
