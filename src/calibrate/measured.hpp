#pragma once
// What the calibration measured: each planned walk with its ticks, and the clocks that turn
// ticks into core cycles.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "calibrate/calibration_plan.hpp"
#include "calibrate/core_clock.hpp"
#include "calibrate/quiet_machine.hpp"
#include "calibrate/step_fit.hpp"

namespace memvirt {

struct MeasuredPoint {
  WalkPoint point;
  double ticks = 0;             // median of the timed runs, TSC ticks per step
  std::vector<double> samples;  // every timed run
  uint64_t huge_bytes = 0;      // of the data, on huge pages (2 MiB points should be all of it)
  double core_ghz = 0;          // the core clock around the timed runs (span_core_ghz)
};

struct MeasuredSeries {
  Series plan;
  std::vector<MeasuredPoint> points;
};

struct Measurements {
  double tsc_ghz = 0;
  CoreClock clock;
  std::vector<MeasuredSeries> series;
  int cpu = 0;  // the CPU the measurement was pinned to
  LoadSample load_before, load_after;
  bool forced = false;  // measured although the machine was busy

  double cycles_per_tick() const { return clock.ghz / tsc_ghz; }
  const MeasuredSeries* find(const std::string& name) const {
    for (const MeasuredSeries& s : series)
      if (s.plan.name == name) return &s;
    return nullptr;
  }
};

// The series as core cycles per step against the working set.
inline Curve cycles_curve(const MeasuredSeries& s, double cycles_per_tick) {
  Curve c;
  for (const MeasuredPoint& p : s.points) c.push_back({p.point.ws, p.ticks * cycles_per_tick});
  return c;
}

}  // namespace memvirt
