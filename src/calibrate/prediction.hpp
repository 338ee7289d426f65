#pragma once
// How a calibrated preset predicts a list walk on the machine it came from: the simulator with
// the preset, frames scattered (as a long-running kernel leaves them), and, in a guest, nested
// paging with the outer page size the calibration found (4 KiB where it could not tell).
#include <cstdint>
#include <memory>
#include <vector>

#include "calibrate/calibration_plan.hpp"
#include "sim/sim_config.hpp"
#include "timing/cpu_model.hpp"

namespace memvirt {

// The machine a point runs on: native, or nested when the preset's host facts say "guest".
SimConfig prediction_config(std::shared_ptr<const CpuModel> cpu, PageSize page);

// What the measured loop pays per step once warm, from one simulation: `warm` accesses (the
// pages touched and the caches filled, as measure_native's touch and warm-up run do), then
// `timed` accesses counted. Page faults and VM exits happen in the warm part only.
struct WindowCost {
  double cycles = 0;         // data, TLB hits, guest and nested walks, per access
  double walks = 0;          // walks per access: each pays walk.start_cycles
  std::vector<double> hits;  // loads per access each cache level served, walk references included
  double memory = 0;         // loads per access served by memory
};
WindowCost steady_window(const SimConfig& config, const ListWalkSpec& spec, uint64_t warm,
                         uint64_t timed);
// One lap of the chain, at most a million steps: the warm-up that fills every cache the lap fits.
uint64_t one_lap(const ListWalkSpec& spec);

// `simulate()` of the point with the preset: core cycles per access, converted to TSC ticks at
// the core clock the measurement ran at (not the preset's, which was read at another time).
double predicted_ticks(std::shared_ptr<const CpuModel> cpu, const WalkPoint& point, double tsc_ghz,
                       double core_ghz);

}  // namespace memvirt
