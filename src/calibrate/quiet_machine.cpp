#include "calibrate/quiet_machine.hpp"

#include <fmt/format.h>
#include <sched.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace memvirt {
namespace {

std::string read_all(const char* path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("cannot read {}", path));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

cpu_set_t allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0)
    throw std::runtime_error(fmt::format("sched_getaffinity: {}", std::strerror(errno)));
  return set;
}

}  // namespace

std::array<double, 3> parse_loadavg(const std::string& text) {
  std::istringstream in(text);
  std::array<double, 3> v{};
  for (double& x : v)
    if (!(in >> x)) throw std::runtime_error(fmt::format("/proc/loadavg: cannot read '{}'", text));
  return v;
}

CpuJiffies parse_proc_stat_cpu_line(const std::string& line) {
  std::istringstream in(line);
  std::string name;
  in >> name;
  if (name != "cpu")
    throw std::runtime_error(fmt::format("/proc/stat: '{}' is not the cpu line", line));
  std::vector<uint64_t> fields;
  for (uint64_t x; in >> x;) fields.push_back(x);
  if (fields.size() < 5)
    throw std::runtime_error(fmt::format("/proc/stat: too few fields in '{}'", line));
  CpuJiffies j;
  for (uint64_t x : fields) j.total += x;
  j.idle = fields[3] + fields[4];  // idle, iowait
  return j;
}

double busy_between(const CpuJiffies& before, const CpuJiffies& after) {
  const uint64_t total = after.total - before.total;
  if (total == 0) return 0;
  return 1.0 - static_cast<double>(after.idle - before.idle) / static_cast<double>(total);
}

LoadSample sample_load(std::chrono::milliseconds interval) {
  LoadSample s;
  const CpuJiffies before = parse_proc_stat_cpu_line(first_line(read_all("/proc/stat")));
  std::this_thread::sleep_for(interval);
  const CpuJiffies after = parse_proc_stat_cpu_line(first_line(read_all("/proc/stat")));
  s.busy = busy_between(before, after);
  s.load_average = parse_loadavg(read_all("/proc/loadavg"));
  return s;
}

bool is_quiet(const LoadSample& s, const QuietLimits& limits) {
  return s.load_average[0] <= limits.max_load && s.busy <= limits.max_busy;
}

std::string describe(const LoadSample& s) {
  return fmt::format("load {:.2f} (1 min), CPUs {:.0f}% busy over 1 s", s.load_average[0],
                     100 * s.busy);
}

int default_pin_cpu() {
  const cpu_set_t set = allowed_cpus();
  if (CPU_COUNT(&set) >= 2 && CPU_ISSET(1, &set)) return 1;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) return c;
  return 0;
}

void pin_to_cpu(int cpu) {
  const cpu_set_t allowed = allowed_cpus();
  if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &allowed))
    throw std::runtime_error(
        fmt::format("--pin {}: this process may not run on CPU {} (it may run on {} CPUs)", cpu,
                    cpu, CPU_COUNT(&allowed)));
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  if (sched_setaffinity(0, sizeof(one), &one) != 0)
    throw std::runtime_error(
        fmt::format("sched_setaffinity to CPU {}: {}", cpu, std::strerror(errno)));
}

}  // namespace memvirt
