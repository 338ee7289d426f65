#pragma once
// The core clock against the TSC: the TSC ticks at a fixed rate, the core at whatever rate its
// boost gives it now, and the timing model counts core cycles.
#include <cstdint>
#include <vector>

namespace memvirt {

struct CoreClock {
  double ghz = 0;                 // core cycles per nanosecond
  uint64_t adds = 0;              // dependent adds per timed run
  double ticks = 0;               // TSC ticks of the fastest run
  std::vector<double> run_ticks;  // every timed run
};

// Times a chain of dependent register adds (one cycle each on every x86-64 core: an add's
// result is ready for the next add one cycle later) against rdtsc: `repeats` short runs after a
// warm-up, the fastest giving adds / ticks * tsc_ghz. The fastest, because an interrupt or
// another task on the CPU only ever makes a run slower, and a run this short is often spared.
CoreClock measure_core_clock(double tsc_ghz, unsigned repeats = 31);

// The clock over a span of work: the mean of a reading taken before it and one taken after. The
// core's boost follows what other tenants of the package draw, so a preset's clock, read minutes
// or days earlier, can be 10% off the clock a later run ran at.
inline double span_core_ghz(const CoreClock& before, const CoreClock& after) {
  return (before.ghz + after.ghz) / 2;
}

// ticks -> core cycles at the measured clocks.
inline double ticks_to_cycles(double ticks, double core_ghz, double tsc_ghz) {
  return ticks * core_ghz / tsc_ghz;
}

}  // namespace memvirt
