#include "calibrate/saved_validation.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "text/message_quote.hpp"

namespace memvirt {
namespace {

using Json = nlohmann::json;

// A finite number in [lo, hi] at `key` of `o`.
double number_at(const Json& o, const char* key, double lo, double hi) {
  if (!o.contains(key)) throw std::runtime_error(fmt::format("no \"{}\"", key));
  const Json& v = o[key];
  if (!v.is_number()) throw std::runtime_error(fmt::format("\"{}\" is not a number", key));
  const double d = v.get<double>();
  if (!std::isfinite(d) || d < lo || d > hi)
    throw std::runtime_error(fmt::format("\"{}\" is {}, outside [{}, {}]", key, d, lo, hi));
  return d;
}

std::string text_at(const Json& o, const char* key) {
  if (!o.contains(key) || !o[key].is_string())
    throw std::runtime_error(fmt::format("\"{}\" is missing or not a string", key));
  return o[key].get<std::string>();
}

// The grid point the row names, with its step count.
WalkPoint grid_point(const Json& row) {
  WalkPoint p;
  p.ws = static_cast<uint64_t>(number_at(row, "ws", 1, 1e12));
  const std::string order = text_at(row, "order");
  if (order != "seq" && order != "random")
    throw std::runtime_error(fmt::format("\"order\" is {}, not seq or random",
                                         message_quote(order)));
  p.order = order == "seq" ? ListWalkSpec::Order::kSeq : ListWalkSpec::Order::kRandom;
  p.npad = static_cast<unsigned>(number_at(row, "npad", 0, 1e6));
  const std::string page = text_at(row, "page");
  const std::optional<PageSize> size = parse_page_size(page);
  if (!size) throw std::runtime_error(fmt::format("\"page\" is {}", message_quote(page)));
  p.page = *size;
  p.steps = static_cast<uint64_t>(number_at(row, "steps", 1, 1e9));
  for (bool quick : {false, true})
    for (const WalkPoint& g : validation_grid(quick))
      if (g == p) return p;
  throw std::runtime_error(fmt::format("{} with {} steps is not a point of the held-out grid",
                                       p.key(), p.steps));
}

}  // namespace

SavedValidation parse_saved_validation(std::string_view text, const std::string& origin) {
  const Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  const std::string where = message_escape(origin, kMessagePathLimit);
  if (doc.is_discarded()) throw std::runtime_error(fmt::format("'{}' is not JSON", where));
  if (!doc.is_object() || !doc.contains("rows") || !doc["rows"].is_array())
    throw std::runtime_error(fmt::format(
        "'{}' is not a validation file of calibrate --validate --json (no \"rows\")", where));
  SavedValidation saved;
  try {
    saved.tsc_ghz = number_at(doc, "tsc_ghz", 0.1, 20);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format("'{}': {}", where, e.what()));
  }
  saved.date = doc.contains("date") && doc["date"].is_string() ? doc["date"].get<std::string>()
                                                               : "an unknown date";
  for (const Json& row : doc["rows"]) {
    try {
      if (!row.is_object()) throw std::runtime_error("is not an object");
      SavedMeasurement m;
      m.point = grid_point(row);
      m.measured_ticks = number_at(row, "measured_ticks", 1e-3, 1e9);
      m.core_ghz = number_at(row, "core_ghz", 0.1, 20);
      saved.rows.push_back(m);
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(
          fmt::format("'{}': row {}: {}", where, saved.rows.size(), e.what()));
    }
  }
  if (saved.rows.empty()) throw std::runtime_error(fmt::format("'{}': no rows", where));
  return saved;
}

SavedValidation read_saved_validation(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw std::runtime_error(fmt::format("--measured: '{}' is a directory",
                                         message_escape(path, kMessagePathLimit)));
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error(fmt::format("--measured: cannot open '{}'",
                                         message_escape(path, kMessagePathLimit)));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_saved_validation(text.str(), path);
}

}  // namespace memvirt
