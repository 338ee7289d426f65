#include "report/plot_data.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "workload/spec.hpp"

namespace memvirt {
namespace {

using nlohmann::json;

// The parts of a row that tell its line (or bar) apart from the others.
struct RowIdentity {
  std::string workload, mode, page, tlb_tag, cpu;
};

RowIdentity identity(const json& row) {
  return {workload_without_ws(row.at("workload").get<std::string>()),
          row.at("mode").get<std::string>(), row.at("page").get<std::string>(),
          row.at("tlb_tag").get<std::string>(), row.value("cpu", std::string())};
}

// Mode and page size always (the picture is about them); the rest only where the file varies.
std::vector<std::string> labels(const std::vector<RowIdentity>& ids) {
  const auto varies = [&ids](auto field) {
    return std::any_of(ids.begin(), ids.end(),
                       [&](const RowIdentity& id) { return id.*field != ids.front().*field; });
  };
  const bool workload = varies(&RowIdentity::workload), tag = varies(&RowIdentity::tlb_tag);
  const bool cpu = varies(&RowIdentity::cpu);
  std::vector<std::string> out;
  for (const RowIdentity& id : ids) {
    std::string label = fmt::format("{} {}", id.mode, id.page);
    if (tag) label += " " + id.tlb_tag;
    if (cpu) label += " " + id.cpu;
    if (workload) label += " " + id.workload;
    out.push_back(label);
  }
  return out;
}

// A row's working set; a file from elsewhere may hold anything there, and a fraction or a
// negative number converted to an unsigned integer would be undefined.
uint64_t row_working_set(const json& row) {
  const json& ws = row.at("working_set_bytes");
  if (!ws.is_number_unsigned())
    throw std::runtime_error("a row's \"working_set_bytes\" is not a whole number of bytes");
  return ws.get<uint64_t>();
}

bool has_cycles(const json& rows) {
  return std::all_of(rows.begin(), rows.end(), [](const json& row) {
    return row.contains("cycles") && row["cycles"].contains("by_category");
  });
}

double accesses(const json& row) {
  return std::max(1.0, row.at("accesses").get<double>());  // a run of 0 accesses costs 0
}

double per_access(const json& row, bool cycles) {
  if (cycles) return row["cycles"].at("total").get<double>() / accesses(row);
  return row.at("walk").at("refs").get<double>() / accesses(row);
}

// What the rows count, for the axis: a picture of steady state says so, and so does one of
// first touches (a row written before warm-up existed has no "warmup": it counted everything).
std::string counting(const json& rows) {
  const auto warm = [](const json& row) {
    return row.contains("warmup") && row["warmup"].is_number() && row["warmup"].get<double>() > 0;
  };
  if (std::all_of(rows.begin(), rows.end(), warm)) return "steady state";
  if (std::none_of(rows.begin(), rows.end(), warm)) return "from the first touch";
  return "warm-up differs between rows";
}

const json& rows_of(const json& doc) {
  const json& rows = doc.at("results");
  if (rows.empty()) throw std::runtime_error("the results file has no rows yet");
  return rows;
}

uint64_t chosen_working_set(const json& rows, std::optional<uint64_t> wanted) {
  uint64_t largest = 0;
  for (const json& row : rows) {
    const uint64_t ws = row_working_set(row);
    if (wanted && ws == *wanted) return ws;
    largest = std::max(largest, ws);
  }
  if (wanted)
    throw std::runtime_error(fmt::format("no row has a working set of {}", format_size(*wanted)));
  return largest;
}

std::vector<std::string> categories(const json& rows, bool cycles) {
  if (!cycles) return {"data access", "guest-dimension walk", "nested-dimension walk"};
  std::vector<std::string> names;
  for (const json& row : rows)
    for (const auto& [name, value] : row["cycles"]["by_category"].items())
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  return names;
}

std::vector<double> parts(const json& row, const std::vector<std::string>& names, bool cycles) {
  const double n = accesses(row);
  if (!cycles) {
    const json& walk = row.at("walk");
    return {row.at("accesses").get<double>() / n, walk.at("guest_refs").get<double>() / n,
            walk.at("nested_refs").get<double>() / n};
  }
  std::vector<double> out;
  for (const std::string& name : names)
    out.push_back(row["cycles"]["by_category"].value(name, 0.0) / n);
  return out;
}

}  // namespace

std::string workload_without_ws(const std::string& spec) {
  const size_t key = spec.find("ws=");
  if (key == std::string::npos || (key > 0 && spec[key - 1] != ':' && spec[key - 1] != ','))
    return spec;
  const size_t end = spec.find(',', key);
  if (end == std::string::npos) return spec.substr(0, key > 0 ? key - 1 : 0);
  return spec.substr(0, key) + spec.substr(end + 1);
}

CurveData curve_data(const nlohmann::json& doc) {
  const json& rows = rows_of(doc);
  const bool cycles = has_cycles(rows);
  std::vector<RowIdentity> ids;
  std::map<std::string, size_t> series_of;  // label -> index in data.series, first seen first
  for (const json& row : rows) ids.push_back(identity(row));
  const std::vector<std::string> titles = labels(ids);
  CurveData data;
  data.y_label = fmt::format("{} ({})",
                             cycles ? "model cycles per access"
                                    : "page-walk memory references per access",
                             counting(rows));
  data.workload = ids.front().workload;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto [it, added] = series_of.emplace(titles[i], data.series.size());
    if (added) data.series.push_back({titles[i], {}});
    data.series[it->second].points.push_back(
        {row_working_set(rows[i]), per_access(rows[i], cycles)});
  }
  for (CurveSeries& s : data.series)
    std::sort(s.points.begin(), s.points.end(), [](const CurvePoint& a, const CurvePoint& b) {
      return a.working_set < b.working_set;
    });
  return data;
}

BreakdownData breakdown_data(const nlohmann::json& doc, std::optional<uint64_t> working_set) {
  const json& all = rows_of(doc);
  const bool cycles = has_cycles(all);
  const uint64_t ws = chosen_working_set(all, working_set);
  json rows = json::array();
  std::vector<RowIdentity> ids;
  for (const json& row : all) {
    if (row_working_set(row) != ws) continue;
    rows.push_back(row);
    ids.push_back(identity(row));
  }
  BreakdownData data;
  data.title = fmt::format("{}, working set {}", ids.front().workload, format_size(ws));
  data.y_label = fmt::format("{} ({})",
                             cycles ? "model cycles per access" : "memory references per access",
                             counting(rows));
  data.categories = categories(rows, cycles);
  const std::vector<std::string> titles = labels(ids);
  for (size_t i = 0; i < rows.size(); ++i)
    data.bars.push_back({titles[i], parts(rows[i], data.categories, cycles)});
  return data;
}

}  // namespace memvirt
