#include "calibrate/base_preset.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace memvirt {
namespace {

bool zen4_model(uint32_t model) {
  // Genoa 0x10-0x1f, Raphael 0x60-0x6f, Phoenix 0x70-0x7f, Bergamo / Siena 0xa0-0xaf.
  return (model >= 0x10 && model <= 0x1f) || (model >= 0x60 && model <= 0x7f) ||
         (model >= 0xa0 && model <= 0xaf);
}

// Skylake-generation cores (Skylake, Kaby / Coffee / Comet Lake, Skylake-SP to Cooper Lake).
constexpr std::array<uint32_t, 7> kSkylakeModels = {0x4e, 0x5e, 0x55, 0x8e, 0x9e, 0xa5, 0xa6};
constexpr uint32_t kFirstIceLakeModel = 0x6a;  // Ice Lake-SP; every later core has a higher model

}  // namespace

BasePreset nearest_preset(const HostCpu& cpu) {
  const std::string id = fmt::format("{} family {} model {}", cpu.vendor, cpu.family, cpu.model);
  if (cpu.amd()) {
    if (cpu.family > 25) return {"zen4", id + " is newer than Zen 4; zen4 is the nearest"};
    if (cpu.family == 25 && zen4_model(cpu.model))
      return {"zen4", id + " is Zen 4 (Genoa, Raphael, Phoenix or Bergamo)"};
    if (cpu.family == 25) return {"zen3", id + " is Zen 3 (Milan, Vermeer, Cezanne or Rembrandt)"};
    return {"zen3", id + " is older than Zen 3; zen3 is the nearest"};
  }
  if (cpu.intel() && cpu.family == 6) {
    if (std::find(kSkylakeModels.begin(), kSkylakeModels.end(), cpu.model) != kSkylakeModels.end())
      return {"skylake", id + " is a Skylake-generation core"};
    if (cpu.model >= kFirstIceLakeModel)
      return {"icelake", id + " is Ice Lake or later; icelake is the nearest"};
    return {"skylake", id + " is older than Skylake; skylake is the nearest"};
  }
  return {"skylake", id + " is neither a known AMD nor Intel core; skylake is taken as a guess"};
}

}  // namespace memvirt
