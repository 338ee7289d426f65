#include "sim/sweep_plan.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace memvirt {
namespace {

std::vector<std::string> string_list(const nlohmann::json& sweep, const char* key) {
  const auto it = sweep.find(key);
  if (it == sweep.end() || !it->is_array())
    throw std::runtime_error(fmt::format("the \"sweep\" object has no \"{}\" list", key));
  std::vector<std::string> items;
  for (const nlohmann::json& item : *it) {
    if (!item.is_string())
      throw std::runtime_error(fmt::format("\"sweep\".\"{}\" holds a non-string item", key));
    items.push_back(item.get<std::string>());
  }
  return items;
}

std::string row_string(const nlohmann::json& row, const char* key) {
  const auto it = row.find(key);
  if (it == row.end() || !it->is_string())
    throw std::runtime_error(fmt::format("a results row has no \"{}\" string", key));
  return it->get<std::string>();
}

}  // namespace

std::vector<SweepPoint> cross_product(const SweepLists& lists) {
  // No --cpu list still means one CPU: the default one.
  const std::vector<std::string> cpus =
      lists.cpus.empty() ? std::vector<std::string>{""} : lists.cpus;
  std::vector<SweepPoint> points;
  for (const std::string& workload : lists.workloads)
    for (const std::string& mode : lists.modes)
      for (const std::string& page : lists.pages)
        for (const std::string& tlb_tag : lists.tlb_tags)
          for (const std::string& cpu : cpus)
            points.push_back({points.size(), workload, mode, page, tlb_tag, cpu});
  return points;
}

std::string point_key(const SweepPoint& p) {
  // '|' appears in no canonical spec, mode, page size, tag or CPU name.
  return fmt::format("{}|{}|{}|{}|{}", p.workload, p.mode, p.page, p.tlb_tag, p.cpu);
}

std::string row_key(const nlohmann::json& row) {
  const auto cpu = row.find("cpu");
  const std::string cpu_name = cpu != row.end() && cpu->is_string() ? cpu->get<std::string>() : "";
  return fmt::format("{}|{}|{}|{}|{}", row_string(row, "workload"), row_string(row, "mode"),
                     row_string(row, "page"), row_string(row, "tlb_tag"), cpu_name);
}

std::string point_label(const SweepPoint& p) {
  std::string label = fmt::format("{} {} {} {}", p.workload, p.mode, p.page, p.tlb_tag);
  if (!p.cpu.empty()) label += " " + p.cpu;
  return label;
}

nlohmann::json lists_to_json(const SweepLists& lists) {
  return {{"workloads", lists.workloads}, {"modes", lists.modes}, {"pages", lists.pages},
          {"tlb_tags", lists.tlb_tags},   {"cpus", lists.cpus},   {"flags", lists.flags}};
}

SweepLists lists_from_json(const nlohmann::json& sweep) {
  if (!sweep.is_object()) throw std::runtime_error("\"sweep\" is not an object");
  return {string_list(sweep, "workloads"), string_list(sweep, "modes"),
          string_list(sweep, "pages"),     string_list(sweep, "tlb_tags"),
          string_list(sweep, "cpus"),      string_list(sweep, "flags")};
}

}  // namespace memvirt
