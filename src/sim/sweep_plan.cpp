#include "sim/sweep_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <unordered_set>

#include "arch/page_size.hpp"
#include "vmm/hypervisor.hpp"
#include "vmm/tlb_tagging.hpp"

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

// Every item once, and each known to `parse` where there is one: a row key per configuration.
template <typename Parse>
void check_items(const std::vector<std::string>& items, const char* key, Parse parse) {
  // The item's place, not its text, names it: a hostile file's bytes do not reach the terminal.
  std::unordered_set<std::string_view> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!parse(items[i]))
      throw std::runtime_error(fmt::format("\"sweep\".\"{}\"[{}] is not a known name", key, i));
    if (!seen.insert(items[i]).second)
      throw std::runtime_error(fmt::format("\"sweep\".\"{}\"[{}] repeats an earlier item", key, i));
  }
}

std::string row_string(const nlohmann::json& row, const char* key) {
  if (!row.is_object()) throw std::runtime_error("a results row is not an object");
  const auto it = row.find(key);
  if (it == row.end() || !it->is_string())
    throw std::runtime_error(fmt::format("a results row has no \"{}\" string", key));
  return it->get<std::string>();
}

}  // namespace

size_t configuration_count(const SweepLists& lists) {
  size_t count = 1;
  for (size_t n : {lists.workloads.size(), lists.modes.size(), lists.pages.size(),
                   lists.tlb_tags.size(), std::max<size_t>(lists.cpus.size(), 1)}) {
    if (n != 0 && count > SIZE_MAX / n) return SIZE_MAX;
    count *= n;
  }
  return count;
}

std::vector<SweepPoint> cross_product(const SweepLists& lists) {
  if (const size_t n = configuration_count(lists); n > kMaxSweepConfigurations)
    throw std::invalid_argument(
        fmt::format("a sweep of {} configurations is more than the {} "
                    "one sweep may have",
                    n, kMaxSweepConfigurations));
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
  SweepLists lists{string_list(sweep, "workloads"), string_list(sweep, "modes"),
                   string_list(sweep, "pages"),     string_list(sweep, "tlb_tags"),
                   string_list(sweep, "cpus"),      string_list(sweep, "flags")};
  const auto any = [](const std::string&) { return true; };
  check_items(lists.workloads, "workloads", any);
  check_items(lists.modes, "modes", parse_paging_mode);
  check_items(lists.pages, "pages", [](const std::string& s) { return parse_page_size(s); });
  check_items(lists.tlb_tags, "tlb_tags",
              [](const std::string& s) { return parse_tlb_tagging(s); });
  check_items(lists.cpus, "cpus", any);
  if (const size_t n = configuration_count(lists); n > kMaxSweepConfigurations)
    throw std::runtime_error(
        fmt::format("\"sweep\" lists {} configurations, more than the {} "
                    "one sweep may have",
                    n, kMaxSweepConfigurations));
  return lists;
}

}  // namespace memvirt
