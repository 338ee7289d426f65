#include "sim/sweep_results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace memvirt {

SweepResults::SweepResults(SweepLists lists)
    : lists_(std::move(lists)),
      points_(cross_product(lists_)),
      rows_(points_.size()),
      origins_(points_.size()) {
  for (const SweepPoint& p : points_) index_by_key_.emplace(point_key(p), p.index);
}

size_t SweepResults::finished() const {
  size_t n = 0;
  for (const auto& row : rows_) n += row.has_value();
  return n;
}

std::vector<size_t> SweepResults::missing() const {
  std::vector<size_t> indices;
  for (size_t i = 0; i < rows_.size(); ++i)
    if (!rows_[i]) indices.push_back(i);
  return indices;
}

void SweepResults::set(size_t index, nlohmann::json row) { rows_.at(index) = std::move(row); }

void SweepResults::check_flags(const nlohmann::json& doc, const std::string& origin) const {
  const SweepLists theirs = lists_from_json(doc.at("sweep"));
  if (theirs.flags == lists_.flags) return;
  throw ResultsConflict(fmt::format("'{}' was made with other machine flags ({} there, {} here)",
                                    origin, nlohmann::json(theirs.flags).dump(),
                                    nlohmann::json(lists_.flags).dump()));
}

size_t SweepResults::adopt(const nlohmann::json& doc, const std::string& origin) {
  check_flags(doc, origin);
  // Checked whole before anything is taken, so that a refused file changes nothing.
  std::vector<std::pair<size_t, const nlohmann::json*>> taken;
  std::unordered_map<size_t, const nlohmann::json*> pending;
  size_t foreign = 0;
  std::string first_foreign;
  for (const nlohmann::json& row : doc.at("results")) {
    const std::string key = row_key(row);
    const auto it = index_by_key_.find(key);
    if (it == index_by_key_.end()) {
      if (foreign++ == 0) {
        first_foreign = key;
        std::replace(first_foreign.begin(), first_foreign.end(), '|', ' ');
      }
      continue;
    }
    const size_t i = it->second;
    const auto other = pending.find(i);
    const nlohmann::json* present = rows_[i]                 ? &*rows_[i]
                                    : other != pending.end() ? other->second
                                                             : nullptr;
    if (present == nullptr) {
      pending.emplace(i, &row);
      taken.emplace_back(i, &row);
    } else if (*present != row) {
      throw ResultsConflict(fmt::format(
          "configuration {} ({}) has different results in '{}' and in '{}'; leave one of them "
          "out, or rerun it",
          i, point_label(points_[i]), rows_[i] ? origins_[i] : origin, origin));
    }
  }
  if (foreign > 0) {
    throw ResultsConflict(fmt::format(
        "'{}' holds {} results of configurations that are not in this sweep (the first: {}), "
        "which would be lost",
        origin, foreign, first_foreign));
  }
  for (const auto& [i, row] : taken) {
    rows_[i] = *row;
    origins_[i] = origin;
  }
  return taken.size();
}

nlohmann::json SweepResults::to_json() const {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : rows_)
    if (row) rows.push_back(*row);
  return {{"sweep", lists_to_json(lists_)}, {"results", rows}};
}

std::string results_text(const SweepResults& results) { return results.to_json().dump(2) + "\n"; }

nlohmann::json parse_results_document(std::string_view text, const std::string& origin) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded())
    throw std::runtime_error(fmt::format("'{}' is not JSON (a truncated results file?)", origin));
  if (!doc.is_object() || !doc.contains("sweep") || !doc.contains("results") ||
      !doc["results"].is_array()) {
    throw std::runtime_error(fmt::format(
        "'{}' is not a sweep results file (expected \"sweep\" and \"results\")", origin));
  }
  try {
    lists_from_json(doc["sweep"]);
    size_t n = 0;
    for (const nlohmann::json& row : doc["results"]) {
      try {
        row_key(row);
      } catch (const std::runtime_error& e) {
        throw std::runtime_error(fmt::format("row {}: {}", n, e.what()));
      }
      ++n;
    }
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format("'{}': {}", origin, e.what()));
  }
  return doc;
}

nlohmann::json read_results_document(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw std::runtime_error(fmt::format("'{}' is a directory, not a results file", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read '{}': {}", path, strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    throw std::runtime_error(fmt::format("cannot read '{}': {}", path, strerror(errno)));
  return parse_results_document(text.str(), path);
}

}  // namespace memvirt
