#include "sim/sweep_workloads.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "text/message_quote.hpp"
#include "workload/spec.hpp"

namespace memvirt {
namespace {

bool starts_spec(std::string_view item) {
  const size_t colon = item.find(':');
  const size_t equals = item.find('=');
  if (equals == std::string_view::npos) return true;  // a bare NAME, or NAME:FILE
  return colon != std::string_view::npos && colon < equals;
}

std::vector<std::string> split_specs(std::string_view text) {
  std::vector<std::string> specs;
  for (;;) {
    const size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    if (item.empty()) throw std::invalid_argument("empty item in the workload list");
    if (starts_spec(item)) {
      specs.emplace_back(item);
    } else if (specs.empty()) {
      throw std::invalid_argument(
          fmt::format("{} comes before any workload name", message_quote(item)));
    } else {
      specs.back() += fmt::format(",{}", item);
    }
    if (comma == std::string_view::npos) return specs;
    text.remove_prefix(comma + 1);
  }
}

// Where the value of the spec's `ws` key starts, or npos: the key itself, after the ':' or a ','
// (a trace's file name may hold "ws=" as text, and is never a range).
size_t ws_value_start(const std::string& spec) {
  if (spec.starts_with("trace:")) return std::string::npos;
  for (size_t at = spec.find("ws="); at != std::string::npos; at = spec.find("ws=", at + 1))
    if (at > 0 && (spec[at - 1] == ':' || spec[at - 1] == ',')) return at + 3;
  return std::string::npos;
}

// "listwalk:ws=16KiB..64KiB,steps=9" -> the same spec with ws=16KiB, 32KiB and 64KiB: doubling
// from the first size while it is at most the second. A ".." elsewhere is the spec parser's to
// refuse, naming its own key.
std::vector<std::string> expand_ws_range(const std::string& spec) {
  const size_t value = ws_value_start(spec);
  if (value == std::string::npos) return {spec};
  const size_t end = std::min(spec.find(',', value), spec.size());
  const std::string_view ws = std::string_view(spec).substr(value, end - value);
  const size_t dots = ws.find("..");
  if (dots == std::string_view::npos) return {spec};
  const uint64_t lo = parse_size(ws.substr(0, dots));
  const uint64_t hi = parse_size(ws.substr(dots + 2));
  if (lo == 0 || lo > hi)
    throw std::invalid_argument(
        fmt::format("{}: the range must run from 1 byte upwards", message_quote(spec)));
  std::vector<std::string> specs;
  for (uint64_t size = lo; size <= hi && size != 0; size <<= 1)
    specs.push_back(spec.substr(0, value) + format_size(size) + spec.substr(end));
  return specs;
}

}  // namespace

std::vector<std::string> expand_workload_list(std::string_view text) {
  std::vector<std::string> canonical;
  for (const std::string& spec : split_specs(text)) {
    for (const std::string& one : expand_ws_range(spec)) {
      std::string name = format_workload_spec(parse_workload_spec(one));
      if (std::find(canonical.begin(), canonical.end(), name) != canonical.end())
        throw std::invalid_argument(
            fmt::format("workload {} given more than once", message_quote(name)));
      canonical.push_back(std::move(name));
    }
  }
  return canonical;
}

}  // namespace memvirt
