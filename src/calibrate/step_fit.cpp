#include "calibrate/step_fit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

namespace memvirt {
namespace {

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t mid = v.size() / 2;
  return v.size() % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

// A run of consecutive points, by index into the sorted curve.
struct Run {
  size_t first = 0, last = 0;  // inclusive
  std::vector<double> values;
};

bool flat(const std::vector<double>& values, double tolerance) {
  const double m = median_of(values);
  return std::all_of(values.begin(), values.end(),
                     [&](double v) { return std::abs(v - m) <= tolerance * m; });
}

Plateau plateau_of(const Curve& c, const Run& r) {
  return {median_of(r.values), c[r.first].ws_bytes, c[r.last].ws_bytes, r.values.size()};
}

Curve sorted(Curve c) {
  std::sort(c.begin(), c.end(),
            [](const CurveSample& a, const CurveSample& b) { return a.ws_bytes < b.ws_bytes; });
  for (const CurveSample& p : c)
    if (!(p.value > 0) || !std::isfinite(p.value))
      throw FitError(
          fmt::format("the point at {} has no positive cost ({})", size_text(p.ws_bytes), p.value));
  return c;
}

// Greedy: a run grows while every point stays within the tolerance of the run's median.
std::vector<Run> flat_runs(const Curve& c, double tolerance) {
  std::vector<Run> runs;
  for (size_t i = 0; i < c.size(); ++i) {
    if (!runs.empty()) {
      Run grown = runs.back();
      grown.values.push_back(c[i].value);
      if (grown.last + 1 == i && flat(grown.values, tolerance)) {
        grown.last = i;
        runs.back() = std::move(grown);
        continue;
      }
    }
    runs.push_back({i, i, {c[i].value}});
  }
  return runs;
}

// Joins a run to the previous kept one when their medians are closer than min_step (a spike had
// split one plateau), keeping the points in between out of the median.
std::vector<Run> merge_close(std::vector<Run> runs, double min_step) {
  std::vector<Run> out;
  for (Run& r : runs) {
    if (!out.empty()) {
      const double a = median_of(out.back().values), b = median_of(r.values);
      if (std::max(a, b) < min_step * std::min(a, b)) {
        out.back().last = r.last;
        out.back().values.insert(out.back().values.end(), r.values.begin(), r.values.end());
        continue;
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string plateaus_text(const std::vector<Plateau>& ps) {
  if (ps.empty()) return "no flat stretch at all";
  std::string s;
  for (const Plateau& p : ps)
    s += fmt::format("{}{:.3g} at {} to {} ({} points)", s.empty() ? "" : "; ", p.value,
                     size_text(p.first_ws), size_text(p.last_ws), p.points);
  return "plateaus found: " + s;
}

bool within(const Plateau& p, const LevelHint& h) {
  return p.first_ws >= h.min_ws && p.last_ws <= h.max_ws;
}

// Chooses plateau indices for levels 1.. (level 0 has the first plateau), ascending, each within
// its level's hint and above the previous by min_step, with the most points in all; `deepest` is
// the first level that no choice could serve when none serves them all.
struct Chooser {
  const std::vector<Plateau>& ps;
  const std::vector<LevelHint>& levels;
  double min_step;
  std::vector<size_t> best;
  size_t best_points = 0;
  size_t deepest = 0;  // levels assigned in the longest partial choice

  bool fits(size_t level, size_t p, size_t prev) const {
    return within(ps[p], levels[level]) && ps[p].value >= min_step * ps[prev].value;
  }

  void search(size_t level, size_t prev, std::vector<size_t>& chosen, size_t points) {
    deepest = std::max(deepest, level);
    for (size_t p = prev + 1; p < ps.size(); ++p) {
      if (!fits(level, p, prev)) continue;
      chosen.push_back(p);
      const size_t total = points + ps[p].points;
      if (level + 1 < levels.size()) {
        search(level + 1, p, chosen, total);
      } else if (total > best_points) {
        best = chosen;
        best_points = total;
      }
      chosen.pop_back();
    }
  }
};

LevelFit with_cliff(const Curve& c, const std::string& name, const Plateau& here,
                    const Plateau* next, const FitOptions& o) {
  LevelFit f{name, here, std::nullopt, 0, 0};
  if (!next) return f;
  const double threshold = here.value * std::pow(next->value / here.value, o.cliff_fraction);
  f.capacity = crossing(c, here.last_ws, threshold);
  if (!f.capacity)
    throw FitError(fmt::format("no cliff after the {} plateau ({:.3g} from {} to {})", name,
                               here.value, size_text(here.first_ws), size_text(here.last_ws)));
  for (const CurveSample& p : c) {
    if (p.ws_bytes <= *f.capacity) f.cliff_below = p.ws_bytes;
    if (p.ws_bytes > *f.capacity && f.cliff_above == 0) f.cliff_above = p.ws_bytes;
  }
  return f;
}

}  // namespace

std::string size_text(uint64_t bytes) {
  constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  const double rounded = std::round(v * 10) / 10;
  return rounded == std::floor(rounded) ? fmt::format("{:.0f} {}", rounded, units[u])
                                        : fmt::format("{:.1f} {}", rounded, units[u]);
}

std::vector<Plateau> find_plateaus(const Curve& curve, const FitOptions& o) {
  const Curve c = sorted(curve);
  std::vector<Run> runs;
  for (Run& r : flat_runs(c, o.flat_tolerance))
    if (r.values.size() >= o.min_points) runs.push_back(std::move(r));
  std::vector<Plateau> out;
  for (const Run& r : merge_close(std::move(runs), o.min_step)) out.push_back(plateau_of(c, r));
  return out;
}

std::optional<uint64_t> crossing(const Curve& curve, uint64_t from_ws, double threshold) {
  const Curve c = sorted(curve);
  for (size_t i = 1; i < c.size(); ++i) {
    const CurveSample &a = c[i - 1], &b = c[i];
    if (a.ws_bytes < from_ws || b.value <= threshold) continue;
    if (a.value >= threshold) return a.ws_bytes;
    const double t = std::log(threshold / a.value) / std::log(b.value / a.value);
    const double lw =
        std::log(static_cast<double>(a.ws_bytes)) +
        t * std::log(static_cast<double>(b.ws_bytes) / static_cast<double>(a.ws_bytes));
    return static_cast<uint64_t>(std::llround(std::exp(lw)));
  }
  return std::nullopt;
}

std::optional<double> median_between(const Curve& curve, uint64_t lo, uint64_t hi) {
  std::vector<double> v;
  for (const CurveSample& p : curve)
    if (p.ws_bytes >= lo && p.ws_bytes <= hi) v.push_back(p.value);
  if (v.empty()) return std::nullopt;
  return median_of(std::move(v));
}

std::vector<LevelFit> fit_levels(const Curve& curve, const std::vector<LevelHint>& levels,
                                 const FitOptions& o) {
  if (levels.size() < 2) throw std::invalid_argument("fit_levels needs at least two levels");
  const Curve c = sorted(curve);
  const std::vector<Plateau> ps = find_plateaus(c, o);
  const std::string found = plateaus_text(ps);
  if (ps.empty() || !within(ps.front(), levels.front()))
    throw FitError(fmt::format("no plateau for {}: {}", levels.front().name, found));
  if (ps.size() < 2) throw FitError(fmt::format("no plateau for {}: {}", levels[1].name, found));
  Chooser chooser{ps, levels, o.min_step, {}, 0, 1};
  std::vector<size_t> chosen;
  chooser.search(1, 0, chosen, ps.front().points);
  if (chooser.best.empty()) {
    const size_t missing = std::min(chooser.deepest, levels.size() - 1);
    throw FitError(
        fmt::format("no plateau for {}{}: {}", levels[missing].name,
                    levels[missing].min_ws > 0
                        ? fmt::format(" (expected beyond {})", size_text(levels[missing].min_ws))
                        : "",
                    found));
  }
  std::vector<size_t> pick = {0};
  pick.insert(pick.end(), chooser.best.begin(), chooser.best.end());
  std::vector<LevelFit> out;
  for (size_t i = 0; i < levels.size(); ++i) {
    const Plateau* next = i + 1 < pick.size() ? &ps[pick[i + 1]] : nullptr;
    out.push_back(with_cliff(c, levels[i].name, ps[pick[i]], next, o));
  }
  return out;
}

}  // namespace memvirt
