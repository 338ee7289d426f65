#include "sim/cpu_preset_choice.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>

namespace memvirt {
namespace {

// Intel's family 6 model numbers are not in order of age, so each generation is a list.
// Skylake's core and its refreshes: Skylake, Kaby/Coffee/Whiskey/Amber/Comet Lake, Cannon Lake,
// and the Skylake-SP/Cascade Lake/Cooper Lake servers.
constexpr std::array<uint32_t, 8> kSkylakeEra = {0x4e, 0x5e, 0x55, 0x66, 0x8e, 0x9e, 0xa5, 0xa6};
// Sunny Cove and every big core since: Ice Lake client and server, Tiger/Rocket/Alder/Raptor/
// Meteor/Arrow/Lunar/Panther Lake, Sapphire/Emerald/Granite Rapids.
constexpr std::array<uint32_t, 22> kIceLakeOrNewer = {
    0x6a, 0x6c, 0x7d, 0x7e, 0x8c, 0x8d, 0xa7, 0x97, 0x9a, 0xb7, 0xba,
    0xbf, 0xaa, 0xac, 0xc5, 0xc6, 0xbd, 0x8f, 0xcf, 0xad, 0xae, 0xcc};

template <size_t N>
bool listed(const std::array<uint32_t, N>& models, uint32_t model) {
  return std::find(models.begin(), models.end(), model) != models.end();
}

std::string id(const HostCpu& cpu) {
  return fmt::format("{} family {} model {}", cpu.vendor, cpu.family, cpu.model);
}

// Family 25 (0x19) holds both Zen 3 and Zen 4; the server parts a cloud offers are Zen 3 below
// model 0x10 (Milan) and Zen 4 from it (Genoa, Bergamo). Desktop and mobile Zen 3 sit at
// 0x20-0x2f (Vermeer) and 0x40-0x5f (Rembrandt, Cezanne).
bool zen3_model(uint32_t model) {
  return model < 0x10 || (model >= 0x20 && model < 0x30) || (model >= 0x40 && model < 0x60);
}

}  // namespace

PresetChoice preset_for_cpu(const HostCpu& cpu) {
  if (cpu.vendor == "AuthenticAMD" && cpu.family == 25) {
    if (zen3_model(cpu.model)) return {"zen3", id(cpu) + " is Zen 3"};
    return {"zen4", id(cpu) + " is Zen 4"};
  }
  if (cpu.vendor == "AuthenticAMD" && cpu.family == 26) {
    return {"zen4", id(cpu) + " is Zen 5, closest to Zen 4"};
  }
  if (cpu.intel() && cpu.family == 6) {
    if (listed(kIceLakeOrNewer, cpu.model)) return {"icelake", id(cpu) + " is Ice Lake or newer"};
    if (listed(kSkylakeEra, cpu.model)) return {"skylake", id(cpu) + " is of the Skylake era"};
  }
  return {"zen3", "no preset matches " + id(cpu) + ": zen3 assumed"};
}

}  // namespace memvirt
