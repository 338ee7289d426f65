#include "sim/sweep_results.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace memvirt {

SweepResults::SweepResults(SweepLists lists)
    : lists_(std::move(lists)), points_(cross_product(lists_)), rows_(points_.size()) {
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

size_t SweepResults::adopt(const nlohmann::json& doc, const std::string& origin) {
  const SweepLists theirs = lists_from_json(doc.at("sweep"));
  if (theirs.flags != lists_.flags) {
    throw std::runtime_error(fmt::format(
        "'{}' was made with other machine flags ({} there, {} here); use another output file "
        "or --no-resume",
        origin, nlohmann::json(theirs.flags).dump(), nlohmann::json(lists_.flags).dump()));
  }
  size_t taken = 0;
  for (const nlohmann::json& row : doc.at("results")) {
    const auto it = index_by_key_.find(row_key(row));
    if (it == index_by_key_.end() || rows_[it->second]) continue;
    rows_[it->second] = row;
    ++taken;
  }
  return taken;
}

nlohmann::json SweepResults::to_json() const {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : rows_)
    if (row) rows.push_back(*row);
  return {{"sweep", lists_to_json(lists_)}, {"results", rows}};
}

std::string results_text(const SweepResults& results) { return results.to_json().dump(2) + "\n"; }

nlohmann::json read_results_document(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("cannot read '{}': {}", path, strerror(errno)));
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded())
    throw std::runtime_error(fmt::format("'{}' is not JSON (a truncated results file?)", path));
  if (!doc.is_object() || !doc.contains("sweep") || !doc.contains("results") ||
      !doc["results"].is_array()) {
    throw std::runtime_error(
        fmt::format("'{}' is not a sweep results file (expected \"sweep\" and \"results\")", path));
  }
  return doc;
}

void write_file_atomically(const std::string& path, const std::string& text) {
  // The pid keeps two sweeps that share an output file from writing into each other's temp file.
  const std::string temp = fmt::format("{}.tmp.{}", path, getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw std::runtime_error(fmt::format("cannot write '{}': {}", temp, strerror(errno)));
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    std::remove(temp.c_str());
    throw std::runtime_error(
        fmt::format("cannot rename '{}' to '{}': {}", temp, path, strerror(error)));
  }
}

}  // namespace memvirt
