#pragma once
// Measuring for the calibration: on a quiet machine (or, forced, recording how busy it was),
// pinned to one CPU, every planned walk through measure_native, the clocks first.
#include <string>
#include <vector>

#include "calibrate/calibration_plan.hpp"
#include "calibrate/measured.hpp"
#include "calibrate/quiet_machine.hpp"
#include "report/progress.hpp"

namespace memvirt {

// The machine is too busy to measure on (and --force was not given).
class BusyMachine : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RunOptions {
  int cpu = 0;           // pinned to
  bool force = false;    // measure on a busy machine, recording its load
  unsigned repeats = 5;  // timed runs per point after one warm-up
  QuietLimits limits;
};

// How long the 1-minute load average takes to fall from `load` to `max_load` with the CPUs idle.
double settle_seconds(double load, double max_load);
// The longest check_quiet waits for an average left high by a run that has ended.
inline constexpr double kMaxSettleSeconds = 120;
// Samples the load; throws BusyMachine naming the figures unless it is quiet or `force`. With the
// CPUs idle and an average that settles within kMaxSettleSeconds, it waits for it first.
LoadSample check_quiet(const RunOptions& options);

// One walk through measure_native, with the core clock read before and after it; throws std::runtime_error if its checksum is wrong.
MeasuredPoint measure_point(const WalkPoint& point, unsigned repeats, double tsc_ghz);

// Pins to options.cpu, times the TSC and the core clock, then measures every point of `plan`,
// ticking `progress` once per point (and once for the clocks).
Measurements measure_plan(const std::vector<Series>& plan, const RunOptions& options,
                          const LoadSample& before, Progress& progress);

}  // namespace memvirt
