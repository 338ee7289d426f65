#include "calibrate/calibration_run.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <stdexcept>
#include <thread>

#include "kvm/host_cpu.hpp"
#include "kvm/measure.hpp"

namespace memvirt {

double settle_seconds(double load, double max_load) {
  if (load <= max_load) return 0;
  if (max_load <= 0) return kMaxSettleSeconds + 1;
  return 60 * std::log(load / max_load);  // the 1-minute average decays as exp(-t / 60 s)
}

LoadSample check_quiet(const RunOptions& options) {
  LoadSample s = sample_load();
  // Idle CPUs behind a high average: a run that just ended (often memvirt's own, such as the
  // calibration before a --validate). Waiting for the average costs less than --force does.
  const double wait = settle_seconds(s.load_average[0], options.limits.max_load);
  if (!options.force && wait > 0 && wait <= kMaxSettleSeconds &&
      s.busy <= options.limits.max_busy) {
    fmt::print(stderr,
               "{}: the CPUs are idle; waiting up to {:.0f} s for the load average to settle\n",
               describe(s), wait + 5);
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(wait + 5);
    while (!is_quiet(s, options.limits) && s.busy <= options.limits.max_busy &&
           std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::seconds(4));
      s = sample_load();
    }
  }
  if (!options.force && !is_quiet(s, options.limits))
    throw BusyMachine(fmt::format(
        "the machine is busy ({}; a quiet machine has a load of at most {:.2f} and CPUs at most "
        "{:.0f}% busy): what other programs do to the caches and the memory bus would be "
        "measured with it. Wait until it is quiet, or pass --force to measure anyway (the load "
        "is recorded in the preset)",
        describe(s), options.limits.max_load, 100 * options.limits.max_busy));
  return s;
}

MeasuredPoint measure_point(const WalkPoint& point, unsigned repeats, double tsc_ghz) {
  MeasureConfig config;
  config.spec = point.spec();
  config.repeats = repeats;
  config.page = point.page;
  const CoreClock before = measure_core_clock(tsc_ghz);
  const Measurement m = measure_native(config);
  const CoreClock after = measure_core_clock(tsc_ghz);
  if (!m.checksum_ok)
    throw std::runtime_error(
        fmt::format("{}: the walk ended where it should not (checksum)", point.key()));
  return {point, m.cycles_per_step, m.samples, m.huge_bytes, span_core_ghz(before, after)};
}

Measurements measure_plan(const std::vector<Series>& plan, const RunOptions& options,
                          const LoadSample& before, Progress& progress) {
  Measurements m;
  m.cpu = options.cpu;
  m.forced = options.force;
  m.load_before = before;
  pin_to_cpu(options.cpu);
  m.tsc_ghz = measure_tsc_ghz();
  m.clock = measure_core_clock(m.tsc_ghz);
  progress.finished("core clock");
  for (const Series& s : plan) {
    MeasuredSeries out{s, {}};
    for (const WalkPoint& p : s.points) {
      out.points.push_back(measure_point(p, options.repeats, m.tsc_ghz));
      progress.finished(fmt::format("{} {}", s.name, p.key()));
    }
    m.series.push_back(std::move(out));
  }
  m.load_after = sample_load(std::chrono::milliseconds(200));
  return m;
}

}  // namespace memvirt
