# Writes OUT: a C++ source holding every PRESET_DIR/*.json as a string, so that the binary and the
# tests need no data files next to them.
file(GLOB files ${PRESET_DIR}/*.json)
list(SORT files)
set(body "")
foreach(f ${files})
  get_filename_component(name ${f} NAME_WE)
  file(READ ${f} text)
  string(APPEND body "    {\"${name}\", R\"memvirt_preset(${text})memvirt_preset\"},\n")
endforeach()
file(WRITE ${OUT} "// Generated from presets/*.json by src/timing/embed_presets.cmake: do not edit.
#include \"timing/cpu_presets.hpp\"

namespace memvirt {

const std::vector<EmbeddedPreset>& embedded_cpu_presets() {
  static const std::vector<EmbeddedPreset> presets = {
${body}  };
  return presets;
}

}  // namespace memvirt
")
