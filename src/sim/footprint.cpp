#include "sim/footprint.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace memvirt {

void check_footprint(const SimConfig& config, const WorkloadSpec& spec) {
  const uint64_t bytes = working_set_bytes(spec);
  if (bytes <= config.guest_memory) return;
  const char* whose = config.mode == PagingMode::kNative ? "the machine's" : "each VM's";
  throw std::invalid_argument(fmt::format(
      "workload {} maps {} at one time, more than {} memory ({}): it would run out of frames "
      "partway; use a smaller working set",
      workload_name(spec), format_size(bytes), whose, format_size(config.guest_memory)));
}

}  // namespace memvirt
