#include "sim/experiments/vmm_memory.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "sim/experiments/experiment_run.hpp"

namespace memvirt {
namespace {

constexpr uint64_t kKiB = 1024;  // table pages are whole 4 KiB frames: no rounding

// The tables grow as processes touch their memory: that growth is what is measured.
SimConfig cold_config(const ExperimentOptions& options, PagingMode mode) {
  SimConfig c = experiment_config(options, mode);
  c.warmup = 0;
  return c;
}

CtxSwitchSpec spec_for(const VmmMemoryParams& p, uint32_t procs) {
  CtxSwitchSpec s = p.base;
  s.procs = procs;
  s.steps = std::max(p.base.steps, uint64_t{procs} * p.base.quantum * p.turns_per_process);
  return s;
}

ExperimentRow row_for(uint32_t procs, const RunResult& shadow, const RunResult& nested) {
  return {{"procs", procs},
          {"steps", nested.accesses},
          {"guest_pt_bytes", nested.guest_pt_bytes},
          {"shadow_pt_bytes", shadow.shadow_pt_bytes},
          {"nested_pt_bytes", nested.nested_pt_bytes},
          {"guest_pt_kib", nested.guest_pt_bytes / kKiB},
          {"shadow_pt_kib", shadow.shadow_pt_bytes / kKiB},
          {"nested_pt_kib", nested.nested_pt_bytes / kKiB},
          {"shadow_per_nested", ratio(shadow.shadow_pt_bytes, nested.nested_pt_bytes)}};
}

std::vector<ExperimentColumn> columns() {
  return {{"procs", "guest\nprocesses"},
          {"steps", "accesses"},
          {"guest_pt_kib", "guest PT\nKiB"},
          {"shadow_pt_kib", "shadow PT\nKiB"},
          {"nested_pt_kib", "nested PT\nKiB"},
          {"shadow_per_nested", "shadow /\nnested", CellKind::kFixed, 1}};
}

}  // namespace

VmmMemoryParams vmm_memory_params(const ExperimentOptions& options) {
  VmmMemoryParams p;
  p.max_procs = options.max_procs;
  if (options.quick) {
    p.base.ws = uint64_t{16} << 10;
    p.base.shared = uint64_t{1} << 20;
    p.base.quantum = 100;
    p.base.steps = 1000;
    p.max_procs = std::min(p.max_procs, 8u);
  }
  return p;
}

ExperimentTable vmm_memory(const ExperimentOptions& options, const VmmMemoryParams& params) {
  ExperimentTable table{columns(), {},
                        "counted: from first touch: the VMM's table memory as the processes "
                        "map and touch theirs (--warmup does not apply)"};
  for (uint32_t procs = 1; procs <= params.max_procs; procs *= 2) {
    const WorkloadSpec spec{spec_for(params, procs)};
    const std::string label = "procs " + std::to_string(procs);
    const ExperimentRun shadow = run_experiment(
        cold_config(options, PagingMode::kShadow), spec, label + ", shadow");
    const ExperimentRun nested = run_experiment(
        cold_config(options, PagingMode::kNested), spec, label + ", nested");
    table.rows.push_back(row_for(procs, shadow.result, nested.result));
  }
  return table;
}

}  // namespace memvirt
