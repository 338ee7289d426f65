#include "calibrate/machine_structure.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "calibrate/calibration_plan.hpp"

namespace memvirt {
namespace {

uint32_t max_leaf(uint32_t base) { return cpuid(base).eax; }

// Leaf 4 and 0x8000001D list one cache per subleaf until a null entry; 64 bounds a broken list.
std::vector<CacheInfo> cache_list(uint32_t leaf) {
  std::vector<CacheInfo> out;
  for (uint32_t sub = 0; sub < 64; ++sub) {
    const auto c = decode_cache_parameters(cpuid(leaf, sub));
    if (!c) break;
    if (c->kind != CacheKind::kInstruction) out.push_back(*c);
  }
  return out;
}

void read_caches(MachineStructure& m) {
  const bool amd = m.cpu.amd();
  const uint32_t leaf = amd ? 0x8000001d : 4;
  const bool offered = amd ? max_leaf(0x80000000) >= leaf : max_leaf(0) >= leaf;
  if (offered) m.caches = cache_list(leaf);
  if (!m.caches.empty()) {
    m.caches_from = amd ? "CPUID 0x8000001D" : "CPUID leaf 4";
  } else {
    m.notes.push_back(fmt::format("CPUID {} gives no caches", amd ? "0x8000001D" : "leaf 4"));
  }
}

std::vector<TlbInfo> intel_leaf_18() {
  std::vector<TlbInfo> out;
  if (max_leaf(0) < 0x18) return out;
  const uint32_t last = std::min<uint32_t>(cpuid(0x18).eax, 64);
  for (uint32_t sub = 0; sub <= last; ++sub)
    if (const auto t = decode_translation_parameters(cpuid(0x18, sub), sub)) out.push_back(*t);
  return out;
}

void read_tlbs(MachineStructure& m) {
  std::vector<TlbInfo> all;
  if (m.cpu.amd()) {
    if (max_leaf(0x80000000) >= 0x80000006) {
      all = decode_amd_l1_tlbs(cpuid(0x80000005));
      const auto l2 = decode_amd_l2_tlbs(cpuid(0x80000006));
      all.insert(all.end(), l2.begin(), l2.end());
      m.tlbs_from = "CPUID 0x80000005/0x80000006";
    }
  } else {
    all = intel_leaf_18();
    if (!all.empty()) {
      m.tlbs_from = "CPUID leaf 0x18";
    } else if (max_leaf(0) >= 2) {
      const Leaf2Tlbs l2 = decode_leaf2_tlbs(cpuid(2));
      all = l2.tlbs;
      if (!all.empty()) m.tlbs_from = "CPUID leaf 2";
      if (l2.see_leaf_18)
        m.notes.push_back("CPUID leaf 2 defers TLBs to leaf 0x18, which describes none here");
    }
  }
  for (const TlbInfo& t : all)
    if (t.data_side()) m.tlbs.push_back(t);
  if (m.tlbs.empty()) {
    m.tlbs_from.clear();
    m.notes.push_back("CPUID describes no data TLB");
  }
}

uint64_t parse_number(const std::string& text, const std::string& what) {
  uint64_t v = 0;
  const char* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || p == text.data())
    throw std::invalid_argument(fmt::format("{}: '{}' is not a number", what, text));
  return v;
}

// "48K" / "2048K" / "300M": the size file's text.
uint64_t parse_sysfs_size(std::string text) {
  uint64_t scale = 1;
  if (!text.empty() && (text.back() == 'K' || text.back() == 'M')) {
    scale = text.back() == 'K' ? 1024 : 1024 * 1024;
    text.pop_back();
  }
  return parse_number(text, "size") * scale;
}

std::string first_line(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

const CacheInfo* MachineStructure::cache(int level) const {
  for (const CacheInfo& c : caches)
    if (c.level == level) return &c;
  return nullptr;
}

const TlbInfo* MachineStructure::tlb(int level, int page_index) const {
  const TlbInfo* best = nullptr;
  for (const TlbInfo& t : tlbs) {
    const bool holds = page_index == 0 ? t.page_4k : page_index == 1 ? t.page_2m : t.page_1g;
    if (t.level != level || !holds) continue;
    // Intel's load-only DTLB is what a load hits: prefer it over a store or shared array.
    const bool better = !best ||
                        (t.kind == TlbKind::kLoadOnly && best->kind != TlbKind::kLoadOnly) ||
                        (t.kind == best->kind && t.entries > best->entries);
    if (better) best = &t;
  }
  return best;
}

MachineStructure read_machine_structure() {
  MachineStructure m;
  m.cpu = read_host_cpu();
  read_caches(m);
  read_tlbs(m);
  {
    std::ifstream in("/proc/meminfo");
    std::ostringstream text;
    text << in.rdbuf();
    m.memory_available = parse_mem_available(text.str());
  }
  const auto sysfs = read_sysfs_caches("/sys/devices/system/cpu/cpu0/cache");
  if (sysfs.empty()) {
    m.notes.push_back("no cache description in /sys/devices/system/cpu/cpu0/cache to check with");
  } else if (m.caches.empty()) {
    m.caches = sysfs;
    m.caches_from = "/sys/devices/system/cpu/cpu0/cache";
  } else {
    for (std::string& d : compare_caches(m.caches, sysfs)) m.notes.push_back(std::move(d));
  }
  return m;
}

std::optional<CacheInfo> parse_sysfs_cache(const std::string& level, const std::string& type,
                                           const std::string& size, const std::string& ways,
                                           const std::string& sets, const std::string& line) {
  CacheInfo c;
  if (type == "Instruction") return std::nullopt;
  if (type == "Data") {
    c.kind = CacheKind::kData;
  } else if (type == "Unified") {
    c.kind = CacheKind::kUnified;
  } else {
    throw std::invalid_argument(
        fmt::format("type: '{}' is not Data, Instruction or Unified", type));
  }
  c.level = static_cast<int>(parse_number(level, "level"));
  c.size_bytes = parse_sysfs_size(size);
  c.ways = static_cast<uint32_t>(parse_number(ways, "ways_of_associativity"));
  c.sets = static_cast<uint32_t>(parse_number(sets, "number_of_sets"));
  c.line_bytes = static_cast<uint32_t>(parse_number(line, "coherency_line_size"));
  return c;
}

std::vector<CacheInfo> read_sysfs_caches(const std::filesystem::path& dir) {
  std::vector<CacheInfo> out;
  for (int i = 0; i < 16; ++i) {
    const std::filesystem::path d = dir / fmt::format("index{}", i);
    if (!std::filesystem::exists(d / "level")) break;
    try {
      const auto c = parse_sysfs_cache(
          first_line(d / "level"), first_line(d / "type"), first_line(d / "size"),
          first_line(d / "ways_of_associativity"), first_line(d / "number_of_sets"),
          first_line(d / "coherency_line_size"));
      if (c) out.push_back(*c);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("{}: {}", d.string(), e.what()));
    }
  }
  return out;
}

std::vector<std::string> compare_caches(const std::vector<CacheInfo>& cpuid,
                                        const std::vector<CacheInfo>& sysfs) {
  std::vector<std::string> out;
  for (const CacheInfo& c : cpuid) {
    const auto s = std::find_if(sysfs.begin(), sysfs.end(),
                                [&](const CacheInfo& x) { return x.level == c.level; });
    if (s == sysfs.end()) {
      out.push_back(fmt::format("sysfs shows no L{} cache; CPUID: {}", c.level, describe(c)));
    } else if (s->size_bytes != c.size_bytes || s->ways != c.ways || s->sets != c.sets) {
      out.push_back(fmt::format(
          "L{}: CPUID says {} KiB {}-way {} sets, sysfs {} KiB {}-way {} sets "
          "(CPUID kept)",
          c.level, c.size_bytes >> 10, c.ways, c.sets, s->size_bytes >> 10, s->ways, s->sets));
    }
  }
  return out;
}

}  // namespace memvirt
