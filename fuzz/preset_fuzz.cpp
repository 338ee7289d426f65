// CPU presets come from users: any text either loads as a CPU model whose shapes every
// structure can be built from, or is refused with a PresetError. Nothing else may happen.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "timing/cpu_model.hpp"

namespace {

void check(const memvirt::SetAssocGeometry& g) {
  if ((g.sets == 0) != (g.ways == 0)) std::abort();
  if (g.ways > 65536 || g.entries() > (uint64_t{1} << 20)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const memvirt::CpuModel m = memvirt::parse_cpu_model(text, "fuzz.json");
    for (const auto& g : m.tlb.l1) check(g);
    for (const auto& g : m.tlb.l2) check(g);
    for (const auto& g : m.psc.level) check(g);
    for (const auto& g : m.nested_psc.level) check(g);
    check(m.nested_tlb);
    for (const auto& c : m.caches.levels)
      if (c.ways == 0 || c.size_bytes % (uint64_t{64} * c.ways) != 0 || c.size_bytes > (uint64_t{1} << 30))
        std::abort();
  } catch (const memvirt::PresetError&) {
  }
  return 0;
}
