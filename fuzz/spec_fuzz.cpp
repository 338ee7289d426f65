// Workload specs come from users: any text either parses, and then round-trips through its
// canonical form, or is refused with a SpecError. Nothing else may happen.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "workload/spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const memvirt::WorkloadSpec spec = memvirt::parse_workload_spec(text);
    const std::string canonical = memvirt::format_workload_spec(spec);
    if (!(memvirt::parse_workload_spec(canonical) == spec)) std::abort();
  } catch (const memvirt::SpecError&) {
  }
  return 0;
}
