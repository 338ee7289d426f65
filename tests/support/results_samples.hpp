#pragma once
// Small sweep results documents, as `memvirt sweep` writes them, for the plot tests.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace memvirt::test {

inline nlohmann::json results_row(const std::string& mode, const std::string& page, uint64_t ws,
                                  uint64_t refs) {
  return {{"workload", "listwalk:ws=" + std::to_string(ws / 1024) + "KiB,npad=0"},
          {"working_set_bytes", ws},
          {"mode", mode},
          {"page", page},
          {"tlb_tag", "vpid"},
          {"accesses", 1000},
          {"walk", {{"refs", refs}, {"guest_refs", refs / 4}, {"nested_refs", refs - refs / 4}}}};
}

// The "sweep" object of a results file: the lists its rows were made from.
inline nlohmann::json sweep_lists(const nlohmann::json& workloads) {
  return {{"workloads", workloads}, {"modes", {"native", "nested"}}, {"pages", {"4k"}},
          {"tlb_tags", {"vpid"}},   {"cpus", nlohmann::json::array()},
          {"flags", nlohmann::json::array()}};
}

// Native and nested 4k rows at 16, 64 and 256 KiB.
inline nlohmann::json sample_results() {
  nlohmann::json rows = nlohmann::json::array();
  nlohmann::json workloads = nlohmann::json::array();
  for (uint64_t ws : {16384u, 65536u, 262144u}) {
    rows.push_back(results_row("native", "4k", ws, ws / 256));
    rows.push_back(results_row("nested", "4k", ws, ws / 32));
    workloads.push_back(rows.back()["workload"]);
  }
  return {{"sweep", sweep_lists(workloads)}, {"results", rows}};
}

}  // namespace memvirt::test
