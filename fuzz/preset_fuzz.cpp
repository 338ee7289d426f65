// CPU presets come from users: any text either loads as a CPU model whose shapes every
// structure can be built from, or is refused with a PresetError. Nothing else may happen.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "timing/cpu_model.hpp"

namespace {

constexpr uint64_t kMaxCycles = 10'000'000;

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
    for (const auto& c : m.caches.levels) {
      if (c.ways == 0 || c.size_bytes == 0 || c.size_bytes % (uint64_t{64} * c.ways) != 0 ||
          c.size_bytes > (uint64_t{1} << 30))
        std::abort();
      if (c.latency > kMaxCycles) std::abort();
    }
    // The fields that size a loop or are summed per access: bounded, so that no preset hangs a
    // run or wraps a cycle count.
    if (m.caches.prefetch_degree > 64) std::abort();
    for (uint64_t v : {uint64_t{m.caches.memory_latency}, uint64_t{m.caches.memory_line_cycles},
                       uint64_t{m.walk_start}, uint64_t{m.tlb_l1_hit}, uint64_t{m.tlb_l2_hit},
                       uint64_t{m.virt.vm_exit_entry}, uint64_t{m.virt.hypercall},
                       uint64_t{m.virt.guest_page_fault}, uint64_t{m.virt.shadow_fault},
                       uint64_t{m.virt.shadow_sync}})
      if (v > kMaxCycles) std::abort();
    if (!(m.core_ghz >= 0 && m.core_ghz <= 100)) std::abort();
  } catch (const memvirt::PresetError&) {
  }
  return 0;
}
