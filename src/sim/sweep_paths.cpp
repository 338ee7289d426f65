#include "sim/sweep_paths.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <variant>

#include "text/message_quote.hpp"
#include "timing/cpu_model.hpp"
#include "workload/spec.hpp"

namespace memvirt {
namespace {

std::string absolute(const std::string& path) {
  return std::filesystem::absolute(path).lexically_normal().string();
}

std::string workload_with_absolute_path(const std::string& text) {
  WorkloadSpec spec = parse_workload_spec(text);
  auto* trace = std::get_if<TraceSpec>(&spec);
  if (trace == nullptr || trace->file == "-" || trace->file.starts_with('/')) return text;
  trace->file = absolute(trace->file);
  if (trace->file.find(',') != std::string::npos)
    throw std::invalid_argument(fmt::format(
        "the trace's absolute path {} holds a ',', which a workload spec cannot carry; move the "
        "trace or give a path without one",
        message_quote(trace->file, kMessagePathLimit)));
  return format_workload_spec(spec);
}

// What load_cpu_model reads as a name rather than a file.
bool is_preset_name(const std::string& cpu) {
  const std::vector<std::string> names = cpu_preset_names();
  return cpu == "none" || cpu == "host" ||
         std::find(names.begin(), names.end(), cpu) != names.end();
}

}  // namespace

void make_paths_absolute(SweepLists& lists) {
  for (std::string& workload : lists.workloads) workload = workload_with_absolute_path(workload);
  for (std::string& cpu : lists.cpus)
    if (!is_preset_name(cpu) && !cpu.starts_with('/')) cpu = absolute(cpu);
}

}  // namespace memvirt
