#pragma once
// The fields whose measured points also pay for translation (in a guest, 2 MiB pages over
// 4 KiB outer pages walk on every LLC or memory access): the LLC latency, the memory latency and
// the walk start are set so that the simulator, with everything else in the preset, predicts
// the measured points. The window cost is linear in each of them (loads each level served, and
// walks, per access), so one simulation of each point gives the equations, and a 3 x 3 solve
// gives all three at once. Deterministic: same preset, same points, same figures.
#include <array>
#include <optional>
#include <string>

#include "calibrate/calibration_plan.hpp"
#include "calibrate/prediction.hpp"
#include "timing/cpu_model.hpp"

namespace memvirt {

struct FitTarget {
  WalkPoint point;
  double measured_cycles = 0;
};

struct LatencyFit {
  double llc_latency = 0, memory_latency = 0, walk_start = 0;  // as solved, before rounding
  std::array<WindowCost, 3> draft;  // each point's window under the draft model
  std::string note;  // a clamped or degenerate solve, said in the sources; empty otherwise
};

// targets: an LLC plateau point, a memory plateau point, a point that walks on every step.
// `timed`: accesses counted per window (after one lap of warm-up).
LatencyFit fit_latencies(const CpuModel& draft, const std::array<FitTarget, 3>& targets,
                         uint64_t timed = 100'000);

// Solves a x = b by Gaussian elimination with partial pivoting; nullopt if singular.
std::optional<std::array<double, 3>> solve3(std::array<std::array<double, 3>, 3> a,
                                            std::array<double, 3> b);

struct BandwidthFit {
  uint32_t line_cycles = 0;
  double predicted_cycles = 0;  // at that value
  uint64_t simulated_ws = 0;
  std::string note;
};

// memory_line_cycles such that a sequential npad=7 stream from memory costs what the stream
// point measured. The stream is simulated over twice the LLC of a copy of the model whose LLC is
// shrunk to four times its L2 (a stream from memory costs the same per line whatever the LLC it
// does not fit, and a short one simulates in a moment).
BandwidthFit fit_line_cycles(const CpuModel& model, double measured_cycles_per_line);

struct PrefetchFit {
  uint32_t degree = 0;
  double predicted_cycles = 0;  // at that degree
  uint64_t simulated_ws = 0;
  std::string note;
};

// prefetch_degree such that a sequential npad=23 walk (a stride of three lines) from memory costs
// what the stride point measured, on the same shrunk-LLC copy of the model as fit_line_cycles.
// The cost falls as the degree rises, until the memory channel limits it.
PrefetchFit fit_prefetch_degree(const CpuModel& model, double measured_cycles_per_step);

}  // namespace memvirt
