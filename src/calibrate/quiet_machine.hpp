#pragma once
// Measuring on a quiet machine: what the load is (the 1-minute load average, and how busy the
// CPUs were over the last second from /proc/stat), whether it is quiet enough, and pinning the
// measurement to one CPU so that the scheduler cannot move it between private caches mid-run.
#include <array>
#include <chrono>
#include <cstdint>
#include <string>

namespace memvirt {

struct LoadSample {
  std::array<double, 3> load_average{};  // 1, 5, 15 minutes
  double busy = 0;  // fraction of all CPUs' time not idle (nor waiting for I/O) over the interval
};

struct QuietLimits {
  double max_load = 0.7;   // 1-minute load average
  double max_busy = 0.15;  // over the sampled second
};

// The figures of /proc/loadavg's text; throws std::runtime_error naming the file if malformed.
std::array<double, 3> parse_loadavg(const std::string& text);
// Total and idle (idle + iowait) jiffies from /proc/stat's first ("cpu ...") line.
struct CpuJiffies {
  uint64_t total = 0, idle = 0;
};
CpuJiffies parse_proc_stat_cpu_line(const std::string& line);
// Busy fraction between two samples (0 when no time passed).
double busy_between(const CpuJiffies& before, const CpuJiffies& after);

// Reads both files, sleeping `interval` between the /proc/stat samples.
LoadSample sample_load(std::chrono::milliseconds interval = std::chrono::milliseconds(1000));
bool is_quiet(const LoadSample& s, const QuietLimits& limits);
// "load 0.42 (1 min), CPUs 3% busy over 1 s"
std::string describe(const LoadSample& s);

// CPU 1 when this process may run on two CPUs or more (CPU 0 takes most interrupts), else the
// one it may run on.
int default_pin_cpu();
// Binds this thread to `cpu`; throws std::runtime_error naming it if the CPU is not one this
// process may run on.
void pin_to_cpu(int cpu);

}  // namespace memvirt
