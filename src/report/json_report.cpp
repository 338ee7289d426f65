#include "report/json_report.hpp"

namespace memvirt {
namespace {

using nlohmann::json;

json exits_to_json(const VmExitStats& exits) {
  // Every reason is present, even at zero, so scripts can index without checking.
  json by_reason = json::object();
  for (int i = 0; i < kExitReasonCount; ++i) {
    const auto reason = static_cast<ExitReason>(i);
    by_reason[std::string(exit_reason_name(reason))] = exits[reason];
  }
  return {{"total", exits.total()}, {"by_reason", by_reason}};
}

// null when no CPU model kept time; else every category, even at zero.
json cycles_to_json(const RunResult& r) {
  if (!r.timed) return nullptr;
  json by_category = json::object();
  for (int i = 0; i < kCycleCategoryCount; ++i) {
    const auto c = static_cast<CycleCategory>(i);
    by_category[std::string(cycle_category_name(c))] = r.cycles[c];
  }
  return {{"total", r.cycles.total()},
          {"per_access", r.cycles_per_access()},
          {"by_category", by_category}};
}

// Where the loads were served (levels L1D first, then memory), what the prefetcher brought in,
// and how long loads waited for the memory channel.
json caches_to_json(const RunResult& r) {
  if (!r.timed) return nullptr;
  return {{"hits", r.caches.hits},
          {"memory", r.caches.memory},
          {"prefetches", r.caches.prefetches},
          {"channel_wait_cycles", r.caches.stall_cycles}};
}

json walk_to_json(const RunResult& r) {
  return {{"walks", r.walks},
          {"refs", r.walk_refs},
          {"guest_refs", r.guest_refs},
          {"nested_refs", r.nested_refs},
          {"refs_per_miss", r.refs_per_miss()}};
}

json page_table_bytes_to_json(const RunResult& r) {
  return {{"guest", r.guest_pt_bytes},
          {"shadow", r.shadow_pt_bytes},
          {"nested", r.nested_pt_bytes},
          {"p2m", r.p2m_bytes}};
}

// A component's counters by name, as its list gives them.
template <typename Stats>
json counters_to_json(const Stats& s) {
  json out = json::object();
  for (const auto& c : counters_of<Stats>()) out[std::string(c.name)] = s.*c.field;
  return out;
}

// Every component's counters; those of the CPU model's structures are null when nothing was
// timed, as they did not run.
json components_to_json(const RunResult& r) {
  json out = json::object();
  r.for_each_component([&](const char* name, const auto& stats, bool ran) {
    out[name] = ran ? counters_to_json(stats) : json(nullptr);
  });
  return out;
}

json config_to_json(const SimConfig& c, const std::vector<RunResult>& runs) {
  json modes = json::array();
  for (const RunResult& r : runs) modes.push_back(std::string(paging_mode_name(r.config.mode)));
  return {{"seed", c.seed},
          {"model", std::string(vmm_model_name(c.model))},
          {"tlb_tag", std::string(tlb_tagging_name(c.tlb_tag))},
          {"pv_batch", c.pv_batch},
          {"shadow_unsync", c.shadow_unsync},
          {"agile_writes", c.agile_writes},
          {"agile_interval", c.agile_interval},
          {"vms", c.vms},
          {"vcpus", c.vcpus},
          {"levels", c.levels},
          {"nested_levels", c.nested_levels},
          {"page", std::string(page_size_name(c.page))},
          {"nested_page", std::string(page_size_name(c.nested_page))},
          {"modes", modes},
          {"cpu", c.cpu ? c.cpu->name : std::string("none")},
          {"frames", std::string(frame_placement_name(c.frames))},
          {"warmup", c.warmup ? json(*c.warmup) : json("auto")},
          {"guest_memory_bytes", c.guest_memory},
          {"host_memory_bytes", c.host_memory}};
}

}  // namespace

json run_to_json(const RunResult& r) {
  json row = {{"mode", std::string(paging_mode_name(r.config.mode))},
          {"model", std::string(vmm_model_name(r.config.model))},
          {"tlb_tag", std::string(tlb_tagging_name(r.config.tlb_tag))},
          {"vms", r.config.vms},
          {"vcpus", r.config.vcpus},
          {"page", std::string(page_size_name(r.config.page))},
          {"nested_page", std::string(page_size_name(r.config.nested_page))},
          {"levels", r.config.levels},
          {"warmup", r.warmup},
          {"accesses", r.accesses},
          {"segfaults", r.segfaults},
          {"tlb", {{"hits", r.tlb_hits}, {"misses", r.tlb_misses}, {"retries", r.tlb_retries}}},
          {"walk", walk_to_json(r)},
          {"guest_page_faults", r.guest_page_faults},
          {"cow_faults", r.cow_faults},
          {"guest_pt_writes", r.guest_pt_writes},
          {"shadow_faults", r.shadow_faults},
          {"shadow_syncs", r.shadow_syncs},
          {"hypercalls", r.hypercalls},
          {"tlb_flushes", r.tlb_flushes},
          {"refused_foreign_maps", r.refused_foreign_maps},
          {"ipis", r.ipis},
          {"vm_exits", exits_to_json(r.vm_exits)},
          {"page_table_bytes", page_table_bytes_to_json(r)},
          {"cycles", cycles_to_json(r)},
          {"data_caches", caches_to_json(r)},
          {"counters", components_to_json(r)}};
  if (r.trace_skipped) row["trace_skipped_records"] = *r.trace_skipped;
  return row;
}

json sim_report_json(const std::string& workload, const std::vector<RunResult>& runs) {
  const SimConfig shared = runs.empty() ? SimConfig{} : runs.front().config;
  json results = json::array();
  for (const RunResult& r : runs) results.push_back(run_to_json(r));
  return {{"workload", workload}, {"config", config_to_json(shared, runs)}, {"results", results}};
}

}  // namespace memvirt
