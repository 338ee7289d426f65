#include "sim/experiments/tlb_tags.hpp"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "sim/counted_part.hpp"
#include "sim/experiments/experiment_run.hpp"

namespace memvirt {
namespace {

constexpr TlbTagging kSchemes[] = {TlbTagging::kNone, TlbTagging::kAsid1, TlbTagging::kAsid,
                                   TlbTagging::kVpid, TlbTagging::kVpidPcid};
constexpr PagingMode kModes[] = {PagingMode::kShadow, PagingMode::kNested};

struct Case {
  std::string label;  // the workload, as the table names it
  WorkloadSpec spec;
  int vms = 1;
};

std::vector<Case> cases(const TlbTagsParams& p) {
  return {{fmt::format("ctxswitch, {} procs", p.ctxswitch.procs), p.ctxswitch, 1},
          {fmt::format("random, {} VMs", p.vms), p.multi_vm, p.vms}};
}

ExperimentRow row_for(const Case& c, const RunResult& r) {
  return {{"workload", c.label},
          {"spec", format_workload_spec(c.spec)},
          {"vms", c.vms},
          {"mode", std::string(paging_mode_name(r.config.mode))},
          {"tlb_tag", std::string(tlb_tagging_name(r.config.tlb_tag))},
          {"accesses", r.accesses},
          {"tlb_misses", r.tlb_misses},
          {"walks", r.walks},
          {"tlb_flushes", r.tlb_flushes},
          {"vm_exits", r.vm_exits.total()},
          {"misses_per_1k", 1000.0 * ratio(r.tlb_misses, r.accesses)}};
}

std::vector<ExperimentColumn> columns() {
  return {{"workload", "workload", CellKind::kText},
          {"mode", "mode", CellKind::kText},
          {"tlb_tag", "TLB tags", CellKind::kText},
          {"accesses", "accesses"},
          {"tlb_misses", "TLB misses"},
          {"walks", "walks"},
          {"tlb_flushes", "TLB\nflushes"},
          {"vm_exits", "VM exits"},
          {"misses_per_1k", "misses per\n1000 accesses", CellKind::kFixed, 2}};
}

}  // namespace

TlbTagsParams tlb_tags_params(bool quick) {
  TlbTagsParams p;
  if (quick) {
    p.ctxswitch = CtxSwitchSpec{.procs = 2,
                                .ws = uint64_t{64} << 10,
                                .shared = uint64_t{128} << 10,
                                .quantum = 200,
                                .steps = 4000};
    p.multi_vm = RandomSpec{.ws = uint64_t{256} << 10, .steps = 4000};
    p.vm_quantum = 500;
  }
  return p;
}

ExperimentTable tlb_tags(const ExperimentOptions& options, const TlbTagsParams& params) {
  ExperimentTable table{columns(), {}, {}};
  std::string note;
  for (const Case& c : cases(params)) {
    for (PagingMode mode : kModes) {
      for (TlbTagging scheme : kSchemes) {
        SimConfig config = experiment_config(options, mode);
        config.tlb_tag = scheme;
        config.vms = c.vms;
        config.vm_quantum = params.vm_quantum;
        const std::string label =
            fmt::format("{}, {}, {}", c.label, paging_mode_name(mode), tlb_tagging_name(scheme));
        const RunResult r = run_experiment(config, c.spec, label).result;
        table.rows.push_back(row_for(c, r));
        note = counting_note(r, false);
      }
    }
    table.counting +=
        (table.counting.empty() ? "counted: " : "\n         ") + c.label + ": " + note;
  }
  return table;
}

}  // namespace memvirt
