#pragma once
// A sweep's configurations: the cross product of the lists a user gives, each configuration
// numbered by its place in that product. The number orders the results file, so that the same
// lists give the same file however many threads ran them and in whatever order they finished.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace memvirt {

// Canonical names throughout (format_workload_spec, paging_mode_name, ...): two spellings of one
// configuration must not become two configurations.
struct SweepLists {
  std::vector<std::string> workloads;
  std::vector<std::string> modes;
  std::vector<std::string> pages;
  std::vector<std::string> tlb_tags;
  std::vector<std::string> cpus;   // empty: no --cpu given, the machine's default
  std::vector<std::string> flags;  // the other machine flags, each "--name=value", shared by all

  friend bool operator==(const SweepLists&, const SweepLists&) = default;
};

struct SweepPoint {
  size_t index = 0;
  std::string workload;
  std::string mode;
  std::string page;
  std::string tlb_tag;
  std::string cpu;  // "" when the sweep has no --cpu list
};

// Past this a sweep is a mistake or a hostile results file, not a plan: a few kilobytes of
// lists would otherwise make memvirt hold millions of configurations before reading one row.
inline constexpr size_t kMaxSweepConfigurations = 100'000;

// The size of the cross product, saturating at SIZE_MAX.
size_t configuration_count(const SweepLists& lists);
// Workload outermost, CPU innermost: the order of the flags in `memvirt sweep --help`. Throws
// std::invalid_argument if there are more than kMaxSweepConfigurations.
std::vector<SweepPoint> cross_product(const SweepLists& lists);

// Identifies a configuration within a sweep; a results row carries the same fields.
std::string point_key(const SweepPoint& point);
// The key of a results row (its "workload", "mode", "page", "tlb_tag" and optional "cpu").
// Throws std::runtime_error naming the field that is missing or not a string.
std::string row_key(const nlohmann::json& row);
// "listwalk:ws=16KiB,... nested 2m vpid": what a progress line shows.
std::string point_label(const SweepPoint& point);

// The "sweep" object at the top of a results file, and back. from_json throws
// std::runtime_error naming the missing or malformed key, an unknown mode, page size or TLB
// tagging, an item given twice, or a product past kMaxSweepConfigurations.
nlohmann::json lists_to_json(const SweepLists& lists);
SweepLists lists_from_json(const nlohmann::json& sweep);

}  // namespace memvirt
