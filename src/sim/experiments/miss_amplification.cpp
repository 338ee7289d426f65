#include "sim/experiments/miss_amplification.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "sim/counted_part.hpp"
#include "sim/experiments/experiment_run.hpp"
#include "workload/spec.hpp"

namespace memvirt {
namespace {

constexpr PagingMode kModes[] = {PagingMode::kNative, PagingMode::kShadow, PagingMode::kNested};

std::vector<uint64_t> working_sets(const MissAmplificationParams& p) {
  if (p.ws_factor < 2 || p.min_ws == 0) throw std::invalid_argument("bad working-set range");
  std::vector<uint64_t> sets;
  for (uint64_t ws = p.min_ws; ws <= p.max_ws; ws *= p.ws_factor) sets.push_back(ws);
  return sets;
}

RunResult run_mode(const ExperimentOptions& options, PagingMode mode, PageSize page,
                   const ListWalkSpec& walk) {
  SimConfig config = experiment_config(options, mode);
  config.page = page;
  config.nested_page = page;
  const std::string label = fmt::format("{}, {} pages", paging_mode_name(mode),
                                        page_size_name(page));
  return run_experiment(config, WorkloadSpec{walk}, label).result;
}

void add_mode(ExperimentRow& row, const RunResult& r) {
  const std::string m(paging_mode_name(r.config.mode));
  row[m + "_tlb_misses"] = r.tlb_misses;
  row[m + "_walk_refs"] = r.walk_refs;
  row[m + "_refs_per_access"] = ratio(r.walk_refs, r.accesses);
  row[m + "_refs_per_miss"] = r.refs_per_miss();
}

// `runs` in kModes order: native first, nested last.
ExperimentRow row_for(PageSize page, const ListWalkSpec& walk, const std::vector<RunResult>& runs) {
  const RunResult& native = runs.front();
  const RunResult& nested = runs.back();
  const auto per_1k = [&](uint64_t n) { return 1000.0 * ratio(n, native.accesses); };
  ExperimentRow row = {{"page", std::string(page_size_name(page))},
                       {"ws", format_size(walk.ws)},
                       {"ws_bytes", walk.ws},
                       {"accesses", native.accesses},
                       {"misses_per_1k", per_1k(native.tlb_misses)},
                       {"faults_per_1k", per_1k(native.guest_page_faults)}};
  for (const RunResult& r : runs) add_mode(row, r);
  row["nested_per_native_per_miss"] = ratio(nested.refs_per_miss(), native.refs_per_miss());
  return row;
}

std::vector<ExperimentColumn> columns() {
  std::vector<ExperimentColumn> cols = {{"page", "page", CellKind::kText},
                                        {"ws", "working\nset", CellKind::kText},
                                        {"misses_per_1k", "native misses\nper 1000",
                                         CellKind::kFixed, 1},
                                        // Zero in steady state; first touches
                                        // under --warmup 0.
                                        {"faults_per_1k", "faults\nper 1000",
                                         CellKind::kFixed, 1}};
  for (PagingMode mode : kModes) {
    const std::string m(paging_mode_name(mode));
    cols.push_back({m + "_refs_per_access", m + "\nrefs/access", CellKind::kFixed, 3});
  }
  for (PagingMode mode : kModes) {
    const std::string m(paging_mode_name(mode));
    cols.push_back({m + "_refs_per_miss", m + "\nrefs/miss", CellKind::kFixed, 2});
  }
  cols.push_back({"nested_per_native_per_miss", "nested /\nnative", CellKind::kFixed, 2});
  return cols;
}

}  // namespace

MissAmplificationParams miss_amplification_params(bool quick) {
  MissAmplificationParams p;
  if (quick) {
    p.max_ws = uint64_t{16} << 20;
    p.ws_factor = 16;
    p.steps = 5000;
  }
  return p;
}

ExperimentTable miss_amplification(const ExperimentOptions& options,
                                   const MissAmplificationParams& params) {
  ExperimentTable table{columns(), {}, {}};
  for (PageSize page : params.pages) {
    for (uint64_t ws : working_sets(params)) {
      const ListWalkSpec walk{.ws = ws, .npad = params.npad,
                              .order = ListWalkSpec::Order::kRandom, .steps = params.steps};
      std::vector<RunResult> runs;
      for (PagingMode mode : kModes) runs.push_back(run_mode(options, mode, page, walk));
      table.rows.push_back(row_for(page, walk, runs));
      table.counting = "counted: " + counting_note(runs.front(), false);
    }
  }
  return table;
}

}  // namespace memvirt
