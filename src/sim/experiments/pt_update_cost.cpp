#include "sim/experiments/pt_update_cost.hpp"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "sim/experiments/experiment_run.hpp"

namespace memvirt {
namespace {

struct Variant {
  std::string label;
  PagingMode mode = PagingMode::kNative;
  bool unsync = false;
  uint32_t batch = 1;
};

std::vector<Variant> variants(const PtUpdateCostParams& p) {
  return {{"native", PagingMode::kNative},
          {"shadow", PagingMode::kShadow},
          {"shadow+unsync", PagingMode::kShadow, true},
          {"pv batch 1", PagingMode::kPv, false, 1},
          {fmt::format("pv batch {}", p.big_batch), PagingMode::kPv, false, p.big_batch},
          {"nested", PagingMode::kNested}};
}

SimConfig config_for(const ExperimentOptions& options, const Variant& v) {
  SimConfig c = experiment_config(options, v.mode);
  c.warmup = 0;  // the updates of mapping and first touch are what is measured
  if (v.mode == PagingMode::kPv) c.model = VmmModel::kXen;  // PV exists only under Xen
  c.shadow_unsync = v.unsync;
  c.pv_batch = v.batch;
  return c;
}

ExperimentRow row_for(const Variant& v, const ExperimentRun& run) {
  const RunResult& r = run.result;
  const uint64_t calls = r.vm_exits.total() + r.hypercalls;
  // Entries the VMM itself read or wrote because guest tables changed.
  const uint64_t work = run.vmm.shadow_zaps + run.vmm.shadow_sync_entries + run.pv_updates;
  return {{"label", v.label},
          {"mode", std::string(paging_mode_name(v.mode))},
          {"model", std::string(vmm_model_name(r.config.model))},
          {"guest_pt_writes", r.guest_pt_writes},
          {"vm_exits", r.vm_exits.total()},
          {"pt_write_exits", r.vm_exits[ExitReason::kPtWrite]},
          {"hypercalls", r.hypercalls},
          {"shadow_syncs", r.shadow_syncs},
          {"shadow_sync_entries", run.vmm.shadow_sync_entries},
          {"shadow_zaps", run.vmm.shadow_zaps},
          {"pv_updates", run.pv_updates},
          {"vmm_calls_per_write", ratio(calls, r.guest_pt_writes)},
          {"vmm_pt_work", work},
          {"vmm_pt_work_per_write", ratio(work, r.guest_pt_writes)}};
}

std::vector<ExperimentColumn> columns() {
  return {{"label", "configuration", CellKind::kText},
          {"guest_pt_writes", "guest PTE\nwrites"},
          {"vm_exits", "VM exits"},
          {"pt_write_exits", "pt_write\nexits"},
          {"hypercalls", "hypercalls"},
          {"shadow_syncs", "shadow\nsyncs"},
          {"shadow_sync_entries", "entries\nresynced"},
          {"shadow_zaps", "shadow\nzaps"},
          {"vmm_calls_per_write", "VMM calls\nper write", CellKind::kFixed, 3},
          {"vmm_pt_work_per_write", "VMM PT work\nper write", CellKind::kFixed, 2}};
}

}  // namespace

PtUpdateCostParams pt_update_cost_params(bool quick) {
  PtUpdateCostParams p;
  if (quick) p.churn = ChurnSpec{.procs = 2, .maps = 4, .size = uint64_t{16} << 10, .steps = 5};
  return p;
}

ExperimentTable pt_update_cost(const ExperimentOptions& options, const PtUpdateCostParams& params) {
  ExperimentTable table{columns(), {},
                        "counted: from first touch, whose page-table updates are what this "
                        "measures (--warmup does not apply)"};
  for (const Variant& v : variants(params))
    table.rows.push_back(
        row_for(v, run_experiment(config_for(options, v), WorkloadSpec{params.churn}, v.label)));
  return table;
}

}  // namespace memvirt
