#pragma once
// The results of a sweep, one row per configuration, kept by configuration index so that the file
// is the same however the rows were computed: by one thread, by many, by a resumed sweep, or by a
// batch system's jobs and `memvirt merge`.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/sweep_plan.hpp"

namespace memvirt {

// Results that cannot be joined without losing or hiding numbers: another sweep's file, rows
// that disagree. The user's to resolve (exit code 2), not a failure of the run.
class ResultsConflict : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SweepResults {
 public:
  explicit SweepResults(SweepLists lists);

  const SweepLists& lists() const { return lists_; }
  const std::vector<SweepPoint>& points() const { return points_; }
  bool has(size_t index) const { return rows_.at(index).has_value(); }
  // The row of configuration `index`; has(index) must hold.
  const nlohmann::json& row(size_t index) const { return *rows_.at(index); }
  size_t finished() const;
  std::vector<size_t> missing() const;
  void set(size_t index, nlohmann::json row);
  void forget(size_t index) { rows_.at(index).reset(); }

  // Takes the rows of a results document `doc` (read from `origin`); returns how many it took.
  // A row equal to one already present is taken once. Throws ResultsConflict, taking nothing, if
  // `doc` was made with other machine flags (its numbers would not mean the same), if it has a
  // row of a configuration this sweep does not have (it would be dropped), or if one of its rows
  // differs from the row already present for that configuration.
  size_t adopt(const nlohmann::json& doc, const std::string& origin);

  // {"sweep": lists, "results": [finished rows in configuration order]}
  nlohmann::json to_json() const;

 private:
  void check_flags(const nlohmann::json& doc, const std::string& origin) const;

  SweepLists lists_;
  std::vector<SweepPoint> points_;
  std::vector<std::optional<nlohmann::json>> rows_;
  std::vector<std::string> origins_;  // where each row came from, for a conflict's message
  std::unordered_map<std::string, size_t> index_by_key_;
};

// The text of a results document: what `sweep` and `merge` both write, byte for byte.
std::string results_text(const SweepResults& results);

// A results document from `text` (named `origin` in errors) or from the file at `path`: a
// "sweep" object whose lists are valid and a "results" array of rows that each name their
// configuration. Throws std::runtime_error naming the origin and what is wrong.
nlohmann::json parse_results_document(std::string_view text, const std::string& origin);
nlohmann::json read_results_document(const std::string& path);

}  // namespace memvirt
