#include "calibrate/structure_fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <numeric>

namespace memvirt {
namespace {

constexpr std::array<const char*, 3> kPageNames = {"4k", "2m", "1g"};

void tlb_field(PresetDraft& draft, const MachineStructure& m, int level, int page) {
  const char* page_name = kPageNames[static_cast<size_t>(page)];
  const std::string key = fmt::format("tlb.l{}.{}", level, page_name);
  const TlbInfo* t = m.tlb(level, page);
  if (!t) {
    draft.keep(key, m.tlbs_from.empty() ? "CPUID describes no data TLB here"
                                        : fmt::format("{} gives no L{} TLB for {} pages",
                                                      m.tlbs_from, level, page_name));
    return;
  }
  // A lower bound of the ways (AMD's ranges) that does not divide the entries: the largest
  // associativity below it that does.
  const uint32_t ways = std::gcd(t->entries, std::max<uint32_t>(t->ways, 1));
  draft.set(key + ".entries", t->entries, "CPUID " + describe(*t), key);
  draft.set(key + ".ways", ways, "CPUID " + describe(*t), key);
}

}  // namespace

void structure_fields(PresetDraft& draft, const MachineStructure& m) {
  for (auto [level, key] : {std::pair{1, "caches.l1d"}, {2, "caches.l2"}}) {
    const CacheInfo* c = m.cache(level);
    if (!c) {
      draft.keep(key, fmt::format("CPUID describes no L{} data cache", level));
      continue;
    }
    const std::string src = fmt::format("{}: {}", m.caches_from, describe(*c));
    draft.set(std::string(key) + ".size_kib", c->size_bytes / 1024, src, key);
    draft.set(std::string(key) + ".ways", c->ways, src, key);
  }
  for (int level : {1, 2})
    for (int page = 0; page < 3; ++page) tlb_field(draft, m, level, page);
}

std::vector<std::string> structure_report(const MachineStructure& m) {
  std::vector<std::string> out;
  for (const CacheInfo& c : m.caches) out.push_back("cache: " + describe(c));
  for (const TlbInfo& t : m.tlbs) out.push_back("TLB: " + describe(t));
  for (const std::string& n : m.notes) out.push_back("note: " + n);
  return out;
}

PlanSizes plan_sizes(const MachineStructure& m, const std::string& base) {
  const CpuModel b = load_cpu_model(base);
  PlanSizes s;
  const auto size_of = [&](int level, uint64_t fallback) {
    const CacheInfo* c = m.cache(level);
    return c ? c->size_bytes : fallback;
  };
  s.l1d_bytes = size_of(1, b.caches.levels[0].size_bytes);
  s.l2_bytes = size_of(2, b.caches.levels[1].size_bytes);
  s.l3_bytes = size_of(3, b.caches.levels[2].size_bytes);
  const TlbInfo* l1 = m.tlb(1, 0);
  const TlbInfo* l2 = m.tlb(2, 0);
  s.l1_tlb_entries = l1 ? l1->entries : static_cast<uint32_t>(b.tlb.l1[0].entries());
  s.l2_tlb_entries = l2 ? l2->entries : static_cast<uint32_t>(b.tlb.l2[0].entries());
  s.memory_available = m.memory_available;
  return s;
}

}  // namespace memvirt
