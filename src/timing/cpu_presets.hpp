#pragma once
// The preset files of presets/, embedded into the library at build time (embed_presets.cmake).
#include <string_view>
#include <vector>

namespace memvirt {

struct EmbeddedPreset {
  std::string_view name;  // file name without .json
  std::string_view text;
};

const std::vector<EmbeddedPreset>& embedded_cpu_presets();

}  // namespace memvirt
