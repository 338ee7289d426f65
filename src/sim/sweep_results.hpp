#pragma once
// The results of a sweep, one row per configuration, kept by configuration index so that the file
// is the same however the rows were computed: by one thread, by many, by a resumed sweep, or by a
// batch system's jobs and `memvirt merge`.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/sweep_plan.hpp"

namespace memvirt {

class SweepResults {
 public:
  explicit SweepResults(SweepLists lists);

  const SweepLists& lists() const { return lists_; }
  const std::vector<SweepPoint>& points() const { return points_; }
  bool has(size_t index) const { return rows_.at(index).has_value(); }
  size_t finished() const;
  std::vector<size_t> missing() const;
  void set(size_t index, nlohmann::json row);

  // Takes the rows of a results document `doc` (read from `origin`) that belong to a
  // configuration of this sweep, keeping rows already present; returns how many it took. Rows of
  // configurations this sweep does not have are left out. Throws std::runtime_error if `doc` was
  // made with other machine flags: its numbers would not mean the same.
  size_t adopt(const nlohmann::json& doc, const std::string& origin);

  // {"sweep": lists, "results": [finished rows in configuration order]}
  nlohmann::json to_json() const;

 private:
  SweepLists lists_;
  std::vector<SweepPoint> points_;
  std::vector<std::optional<nlohmann::json>> rows_;
  std::unordered_map<std::string, size_t> index_by_key_;
};

// The text of a results document: what `sweep` and `merge` both write, byte for byte.
std::string results_text(const SweepResults& results);

// A results document from `path`; throws std::runtime_error naming the path and what is wrong.
nlohmann::json read_results_document(const std::string& path);
// Writes `text` to a temporary file beside `path` and renames it over `path`, so that a reader (or
// a resumed sweep after a kill) sees the old file or the new one, never half of one.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace memvirt
