#include "calibrate/model_fit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <memory>

namespace memvirt {
namespace {

constexpr size_t kLlc = 2;  // index of the LLC among the data cache levels
// The deepest stride prefetch the fit tries: a quarter of a 4 KiB page of one-line elements.
constexpr uint32_t kMaxFittedDegree = 16;

WindowCost window_of(const CpuModel& m, const WalkPoint& p, uint64_t timed) {
  const auto cpu = std::make_shared<const CpuModel>(m);
  const ListWalkSpec spec = p.spec();
  return steady_window(prediction_config(cpu, p.page), spec, one_lap(spec), timed);
}

// A copy of `model` whose LLC is at most four times its L2: a stream from memory costs the same
// per line whatever the LLC it outgrows, and a short one simulates in a moment.
CpuModel with_small_llc(const CpuModel& model) {
  CpuModel small = model;
  CacheLevelConfig& llc = small.caches.levels[kLlc];
  const uint64_t want = small.caches.levels[1].size_bytes * 4;
  if (llc.size_bytes > want) {
    const uint64_t set_bytes = uint64_t{64} * llc.ways;
    llc.size_bytes = std::max<uint64_t>(set_bytes, want / set_bytes * set_bytes);
  }
  return small;
}

double llc_hits(const WindowCost& w) { return w.hits.size() > kLlc ? w.hits[kLlc] : 0; }

}  // namespace

std::optional<std::array<double, 3>> solve3(std::array<std::array<double, 3>, 3> a,
                                            std::array<double, 3> b) {
  for (size_t col = 0; col < 3; ++col) {
    size_t pivot = col;
    for (size_t r = col + 1; r < 3; ++r)
      if (std::abs(a[r][col]) > std::abs(a[pivot][col])) pivot = r;
    if (std::abs(a[pivot][col]) < 1e-9) return std::nullopt;
    std::swap(a[col], a[pivot]);
    std::swap(b[col], b[pivot]);
    for (size_t r = col + 1; r < 3; ++r) {
      const double f = a[r][col] / a[col][col];
      for (size_t k = col; k < 3; ++k) a[r][k] -= f * a[col][k];
      b[r] -= f * b[col];
    }
  }
  std::array<double, 3> x{};
  for (size_t i = 3; i-- > 0;) {
    double s = b[i];
    for (size_t k = i + 1; k < 3; ++k) s -= a[i][k] * x[k];
    x[i] = s / a[i][i];
  }
  return x;
}

LatencyFit fit_latencies(const CpuModel& draft, const std::array<FitTarget, 3>& targets,
                         uint64_t timed) {
  LatencyFit f;
  std::array<std::array<double, 3>, 3> a{};
  std::array<double, 3> b{};
  for (size_t i = 0; i < 3; ++i) {
    f.draft[i] = window_of(draft, targets[i].point, timed);
    a[i] = {llc_hits(f.draft[i]), f.draft[i].memory, f.draft[i].walks};
    b[i] = targets[i].measured_cycles - f.draft[i].cycles;
  }
  const double x0 = draft.caches.levels[kLlc].latency, y0 = draft.caches.memory_latency,
               z0 = draft.walk_start;
  auto delta = solve3(a, b);
  if (!delta) {
    // Each unknown from the point that depends on it most, alone.
    delta =
        std::array<double, 3>{a[0][0] > 0 ? b[0] / a[0][0] : 0, a[1][1] > 0 ? b[1] / a[1][1] : 0,
                              a[2][2] > 0 ? b[2] / a[2][2] : 0};
    f.note = "the three points did not separate the three figures; each was read on its own point";
  }
  f.llc_latency = x0 + (*delta)[0];
  f.memory_latency = y0 + (*delta)[1];
  f.walk_start = z0 + (*delta)[2];
  const double l2 = draft.caches.levels[1].latency;
  if (f.llc_latency < l2 + 1 || f.memory_latency < f.llc_latency + 1 || f.walk_start < 0) {
    f.note += fmt::format(
        "{}solved {:.1f}, {:.1f}, {:.1f} (LLC, memory, walk start) clamped to "
        "LLC > L2, memory > LLC, walk start >= 0",
        f.note.empty() ? "" : "; ", f.llc_latency, f.memory_latency, f.walk_start);
    f.llc_latency = std::max(f.llc_latency, l2 + 1);
    f.memory_latency = std::max(f.memory_latency, f.llc_latency + 1);
    f.walk_start = std::max(f.walk_start, 0.0);
  }
  return f;
}

BandwidthFit fit_line_cycles(const CpuModel& model, double measured) {
  CpuModel small = with_small_llc(model);
  BandwidthFit f;
  f.simulated_ws = std::bit_ceil(small.caches.levels[kLlc].size_bytes * 2);
  const WalkPoint p{f.simulated_ws, ListWalkSpec::Order::kSeq, kLineNpad, PageSize::k2M, 0};
  auto predict = [&](uint32_t line_cycles) {
    small.caches.memory_line_cycles = line_cycles;
    return window_of(small, p, 100'000).cycles;
  };
  // The cost rises by about a cycle per cycle of line time once the channel limits the stream;
  // two secant steps from the measured figure settle it.
  uint32_t m0 = std::max<uint32_t>(1, static_cast<uint32_t>(std::lround(measured)));
  double p0 = predict(m0);
  uint32_t best = m0;
  double best_p = p0;
  uint32_t m1 = static_cast<uint32_t>(std::max<long>(1, std::lround(m0 - (p0 - measured))));
  for (int step = 0; step < 2 && m1 != m0; ++step) {
    const double p1 = predict(m1);
    if (std::abs(p1 - measured) < std::abs(best_p - measured)) {
      best = m1;
      best_p = p1;
    }
    if (p1 == p0) break;
    const double next = m1 - (p1 - measured) * (static_cast<double>(m1) - m0) / (p1 - p0);
    m0 = m1;
    p0 = p1;
    m1 = static_cast<uint32_t>(std::clamp<long>(std::lround(next), 1, 100'000));
  }
  if (best_p == predict(best + 1)) f.note = "the model's stream cost does not depend on it here";
  f.line_cycles = best;
  f.predicted_cycles = best_p;
  return f;
}

PrefetchFit fit_prefetch_degree(const CpuModel& model, double measured) {
  CpuModel small = with_small_llc(model);
  PrefetchFit f;
  // Three times the lines of fit_line_cycles' stream: as many lines read, one in three.
  f.simulated_ws = std::bit_ceil(small.caches.levels[kLlc].size_bytes * 6);
  const WalkPoint p{f.simulated_ws, ListWalkSpec::Order::kSeq, kStrideNpad, PageSize::k2M, 0};
  double best_error = 0;
  for (uint32_t d = 1; d <= kMaxFittedDegree; ++d) {
    small.caches.prefetch_degree = d;
    const double predicted = window_of(small, p, 100'000).cycles;
    const double error = std::abs(predicted - measured);
    if (d == 1 || error < best_error) {
      best_error = error;
      f.degree = d;
      f.predicted_cycles = predicted;
    }
    if (predicted < measured) break;  // it only gets cheaper from here
  }
  if (f.degree == kMaxFittedDegree)
    f.note = fmt::format("the measured cost is below what {} strides ahead gives", f.degree);
  return f;
}

}  // namespace memvirt
