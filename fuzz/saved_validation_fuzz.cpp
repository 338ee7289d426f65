// A saved validation file is read back by `calibrate --validate --measured`: any bytes either
// read as rows of the held-out grid with sane numbers, or are refused with a runtime_error.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "calibrate/saved_validation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const memvirt::SavedValidation s = memvirt::parse_saved_validation(text, "fuzz.json");
    if (s.rows.empty() || !(s.tsc_ghz > 0)) std::abort();
    for (const auto& r : s.rows)
      if (!std::isfinite(r.measured_ticks) || !(r.core_ghz > 0) || r.point.ws == 0) std::abort();
  } catch (const std::runtime_error&) {
  }
  return 0;
}
