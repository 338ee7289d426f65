#include "sim/footprint.hpp"

#include <fmt/format.h>

#include <sys/stat.h>

#include <stdexcept>
#include <string>
#include <variant>

#include "vmm/paging_modes.hpp"

namespace memvirt {

void check_footprint(const SimConfig& config, const WorkloadSpec& spec) {
  const uint64_t bytes = working_set_bytes(spec);
  if (bytes <= config.guest_memory) return;
  const char* whose = mode_runs_vms(config.mode) ? "each VM's" : "the machine's";
  throw std::invalid_argument(fmt::format(
      "workload {} maps {} at one time, more than {} memory ({}): it would run out of frames "
      "partway; use a smaller working set",
      workload_name(spec), format_size(bytes), whose, format_size(config.guest_memory)));
}

namespace {

// stdin, a FIFO, a character device or a socket: what cannot be opened again at its start.
bool read_as_it_comes(const std::string& path) {
  if (path == "-") return true;
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
}

}  // namespace

void check_trace_reads(const WorkloadSpec& spec, uint64_t opens) {
  const auto* trace = std::get_if<TraceSpec>(&spec);
  if (!trace || opens <= 1 || !read_as_it_comes(trace->file)) return;
  throw std::invalid_argument(fmt::format(
      "trace {} is read as it comes (stdin or a pipe) and can feed one run, but {} runs would "
      "read it (one per mode, VM and configuration): give one --mode and one VM, or save the "
      "trace to a file first",
      trace->file == "-" ? "'-'" : fmt::format("'{}'", trace->file), opens));
}

uint64_t workload_opens(const SimConfig& config) {
  return mode_runs_vms(config.mode) ? static_cast<uint64_t>(config.vms) : 1;
}

}  // namespace memvirt
