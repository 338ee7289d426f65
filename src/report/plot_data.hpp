#pragma once
// What a sweep's results file says, arranged for a picture: Drepper's curves (cost per access
// against working-set size, one line per mode and page size) and a stacked breakdown per mode.
// Cycles when the rows carry the timing model's "cycles" object, memory references otherwise.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace memvirt {

struct CurvePoint {
  uint64_t working_set = 0;  // bytes
  double per_access = 0;
};

struct CurveSeries {
  std::string title;               // "nested 2m"; more when the sweep varies more
  std::vector<CurvePoint> points;  // by working set, ascending
};

struct CurveData {
  std::string y_label;
  std::string workload;  // the workload with its working set left out, for the title
  std::vector<CurveSeries> series;
};

struct BreakdownBar {
  std::string label;          // "nested 2m"
  std::vector<double> parts;  // per access, one per category
};

struct BreakdownData {
  std::string title;
  std::string y_label;
  std::vector<std::string> categories;
  std::vector<BreakdownBar> bars;
};

// Throws std::runtime_error if `doc` has no rows or a row lacks a field the picture needs.
CurveData curve_data(const nlohmann::json& doc);
// The rows whose working set is `working_set`, or the largest one in the file.
BreakdownData breakdown_data(const nlohmann::json& doc, std::optional<uint64_t> working_set);

// "listwalk:ws=64MiB,npad=0" -> "listwalk:npad=0": what stays the same along a curve.
std::string workload_without_ws(const std::string& spec);

}  // namespace memvirt
