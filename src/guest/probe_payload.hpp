#pragma once
// The probe payload's bytes, embedded at build time (src/guest/CMakeLists.txt generates the
// definition from the flat binary).
#include <cstdint>
#include <span>

namespace memvirt {

std::span<const uint8_t> probe_payload();

}  // namespace memvirt
