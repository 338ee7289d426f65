#include "timing/cpu_model.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "text/message_quote.hpp"
#include "timing/cpu_presets.hpp"

namespace memvirt {
namespace {

using nlohmann::json;

// Reads dotted paths ("tlb.l1.4k.entries") out of a preset, refusing missing, non-numeric and
// negative values with the field's name and the preset's origin.
class PresetReader {
 public:
  PresetReader(const json& root, const std::string& origin) : root_(root), origin_(origin) {}

  const json& at(const std::string& path) const {
    const json* node = &root_;
    std::istringstream parts(path);
    for (std::string part; std::getline(parts, part, '.');) {
      if (!node->is_object() || !node->contains(part)) fail(path, "is missing");
      node = &(*node)[part];
    }
    return *node;
  }
  bool has(const std::string& path) const {
    const json* node = &root_;
    std::istringstream parts(path);
    for (std::string part; std::getline(parts, part, '.');) {
      if (!node->is_object() || !node->contains(part)) return false;
      node = &(*node)[part];
    }
    return true;
  }
  double number(const std::string& path) const {
    const json& v = at(path);
    if (!v.is_number()) fail(path, "must be a number");
    if (v.get<double>() < 0) fail(path, "must not be negative");
    return v.get<double>();
  }
  // A whole number from 0 to `max`: every count sizes a structure or a loop, or is a latency
  // that is summed, so each has a bound far above any real machine's.
  uint32_t count(const std::string& path, uint32_t max) const {
    const double v = number(path);
    if (v > max) fail(path, fmt::format("must be at most {}", max));
    if (v != static_cast<double>(static_cast<uint32_t>(v))) fail(path, "must be a whole number");
    return static_cast<uint32_t>(v);
  }
  std::string text(const std::string& path) const {
    const json& v = at(path);
    if (!v.is_string()) fail(path, "must be a string");
    return v.get<std::string>();
  }
  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw PresetError(fmt::format("CPU preset {}: field '{}' {}",
                                  message_escape(origin_, kMessagePathLimit), path, what));
  }

 private:
  const json& root_;
  const std::string& origin_;
};

ReplacementKind replacement(const PresetReader& r, const std::string& path) {
  const auto kind = parse_replacement(r.text(path));
  if (!kind) r.fail(path, "must be \"lru\" or \"plru\"");
  return *kind;
}

// Bounds that keep a typo from asking for more memory than any machine has: the largest real
// structures are far below them (a 1 GiB cache, a million TLB entries).
constexpr uint32_t kMaxEntries = 1u << 20;
constexpr uint32_t kMaxCacheKib = 1u << 20;
constexpr uint32_t kMaxWays = 65536;  // what an LRU rank of 16 bits can order
// A latency or cost of ten million cycles is milliseconds: beyond any cache, walk or VM exit.
constexpr uint32_t kMaxCycles = 10'000'000;
// Lines a prefetcher runs ahead: real ones stay within a page (64 lines).
constexpr uint32_t kMaxPrefetchDegree = 64;

void check_ways(const PresetReader& r, const std::string& path, uint32_t ways,
                ReplacementKind kind) {
  if (kind == ReplacementKind::kTreePlru && (ways & (ways - 1)) != 0)
    r.fail(path, "must be a power of two for \"plru\" replacement");
}

// {entries, ways} as sets x ways. An optional structure (an L2 TLB, a paging-structure cache, a
// nested TLB) that the preset leaves out, or gives zero entries, is absent: a preset names only
// the structures its machine has, and a structure added to the model later needs no edit of it.
SetAssocGeometry geometry(const PresetReader& r, const std::string& path, bool optional,
                          ReplacementKind kind) {
  if (optional && !r.has(path)) return {0, 0, kind};
  const uint32_t entries = r.count(path + ".entries", kMaxEntries);
  const uint32_t ways = r.count(path + ".ways", kMaxWays);
  if (entries == 0 && optional) return {0, 0, kind};
  if (entries == 0) r.fail(path + ".entries", "must be at least 1");
  if (ways == 0) r.fail(path + ".ways", "must be at least 1");
  if (entries % ways != 0) r.fail(path + ".ways", "must divide the entries");
  check_ways(r, path + ".ways", ways, kind);
  return {entries / ways, ways, kind};
}

void read_tlb(const PresetReader& r, CpuModel& m) {
  const ReplacementKind kind = replacement(r, "tlb.replacement");
  m.tlb.replacement = kind;
  constexpr std::array<const char*, 3> sizes = {"4k", "2m", "1g"};
  for (size_t s = 0; s < sizes.size(); ++s) {
    m.tlb.l1[s] = geometry(r, std::string("tlb.l1.") + sizes[s], false, kind);
    m.tlb.l2[s] = geometry(r, std::string("tlb.l2.") + sizes[s], true, kind);
  }
  m.tlb_l1_hit = r.count("tlb.l1_hit_cycles", kMaxCycles);
  m.tlb_l2_hit = r.count("tlb.l2_hit_cycles", kMaxCycles);
}

PscConfig read_psc(const PresetReader& r, const std::string& path) {
  PscConfig c;
  constexpr std::array<const char*, 3> names = {"pde", "pdpte", "pml4e"};  // levels 2, 3, 4
  for (size_t i = 0; i < names.size(); ++i)
    c.level[i + 2] = geometry(r, path + "." + names[i], true, ReplacementKind::kLru);
  return c;
}

void read_walk(const PresetReader& r, CpuModel& m) {
  m.walk_start = r.count("walk.start_cycles", kMaxCycles);
  m.psc = read_psc(r, "walk.pwc");
  m.nested_psc = read_psc(r, "walk.nested_pwc");
  m.nested_tlb = geometry(r, "walk.nested_tlb", true, ReplacementKind::kLru);
}

void read_caches(const PresetReader& r, CpuModel& m) {
  m.caches.replacement = replacement(r, "caches.replacement");
  for (const char* level : {"l1d", "l2", "llc"}) {
    const std::string p = std::string("caches.") + level;
    const CacheLevelConfig c{uint64_t{r.count(p + ".size_kib", kMaxCacheKib)} * 1024,
                             r.count(p + ".ways", kMaxWays),
                             r.count(p + ".latency_cycles", kMaxCycles)};
    if (c.size_bytes == 0) r.fail(p + ".size_kib", "must be at least 1");
    if (c.ways == 0 || c.size_bytes % (uint64_t{64} * c.ways) != 0)
      r.fail(p + ".ways", "must be at least 1 and divide the size in lines");
    check_ways(r, p + ".ways", c.ways, m.caches.replacement);
    m.caches.levels.push_back(c);
  }
  m.caches.memory_latency = r.count("caches.memory_latency_cycles", kMaxCycles);
  m.caches.memory_line_cycles = r.count("caches.memory_line_cycles", kMaxCycles);
  m.caches.prefetch_degree = r.count("caches.prefetch_degree", kMaxPrefetchDegree);
}

// Optional: only a preset written by `memvirt calibrate` describes the machine it came from.
void read_host(const json& root, const PresetReader& r, CpuModel& m) {
  if (!root.is_object() || !root.contains("host")) return;
  HostFacts h;
  h.cpu = r.text("host.cpu");
  const json& guest = r.at("host.guest");
  if (!guest.is_boolean()) r.fail("host.guest", "must be true or false");
  h.guest = guest.get<bool>();
  if (root["host"].contains("outer_page") && !root["host"]["outer_page"].is_null()) {
    const auto page = parse_page_size(r.text("host.outer_page"));
    if (!page) r.fail("host.outer_page", "must be \"4k\", \"2m\", \"1g\" or null");
    h.outer_page = *page;
  }
  h.tsc_ghz = r.number("host.tsc_ghz");
  if (h.tsc_ghz <= 0 || h.tsc_ghz > 100) r.fail("host.tsc_ghz", "must be above 0 and at most 100");
  m.host = h;
}

void read_virt(const PresetReader& r, CpuModel& m) {
  m.virt.vm_exit_entry = r.count("virt.vm_exit_entry_cycles", kMaxCycles);
  m.virt.hypercall = r.count("virt.hypercall_cycles", kMaxCycles);
  m.virt.guest_page_fault = r.count("virt.guest_page_fault_cycles", kMaxCycles);
  m.virt.shadow_fault = r.count("virt.shadow_fault_cycles", kMaxCycles);
  m.virt.shadow_sync = r.count("virt.shadow_sync_cycles", kMaxCycles);
}

std::string read_file(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error))
    throw PresetError(fmt::format("CPU preset '{}' is a directory, not a preset file", path));
  std::ifstream in(path);
  if (!in)
    throw PresetError(
        fmt::format("cannot read CPU preset {}", message_quote(path, kMessagePathLimit)));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

CpuModel parse_cpu_model(std::string_view text, const std::string& origin) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::exception& e) {  // a syntax error, or a number too large for a double
    throw PresetError(fmt::format("CPU preset {}: not valid JSON: {}",
                                  message_escape(origin, kMessagePathLimit),
                                  message_escape(e.what())));
  }
  const PresetReader r(root, origin);
  CpuModel m;
  m.origin = origin;
  m.name = r.text("name");
  m.core_ghz = r.number("core_ghz");
  // 0 states no clock: `sim` counts cycles only; what turns cycles into ticks refuses it.
  if (m.core_ghz > 100) r.fail("core_ghz", "must be at most 100");
  read_tlb(r, m);
  read_walk(r, m);
  read_caches(r, m);
  read_virt(r, m);
  read_host(root, r, m);
  return m;
}

std::filesystem::path host_preset_path() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg && *xdg == '/') return std::filesystem::path(xdg) / "memvirt" / "host.json";
  const char* home = std::getenv("HOME");
  if (!home || *home != '/')
    throw PresetError("cannot place the host preset: neither XDG_CONFIG_HOME nor HOME is an "
                      "absolute path");
  return std::filesystem::path(home) / ".config" / "memvirt" / "host.json";
}

std::optional<std::filesystem::path> cpu_preset_file(std::string_view what) {
  if (what == "host") return host_preset_path();
  for (const EmbeddedPreset& p : embedded_cpu_presets())
    if (p.name == what) return std::nullopt;
  const std::string path(what);
  // A bare word is a preset name; load_cpu_model says that there is none of that name.
  if (path.find('/') == std::string::npos && path.find(".json") == std::string::npos)
    return std::nullopt;
  return std::filesystem::path(path);
}

std::string cpu_preset_text(std::string_view what) {
  if (what != "host")
    for (const EmbeddedPreset& p : embedded_cpu_presets())
      if (p.name == what) return std::string(p.text);
  const std::optional<std::filesystem::path> file = cpu_preset_file(what);
  if (!file)
    throw PresetError(fmt::format("no CPU preset {} (presets: {}; or give a .json file)",
                                  message_quote(std::string(what)),
                                  fmt::join(cpu_preset_names(), ", ")));
  if (what == "host" && !std::filesystem::exists(*file))
    throw PresetError(
        fmt::format("no calibrated preset for this machine at {}: run `memvirt "
                    "calibrate` first, or name a preset",
                    file->string()));
  return read_file(file->string());
}

CpuModel load_cpu_model(std::string_view what) {
  const std::string text = cpu_preset_text(what);
  const std::optional<std::filesystem::path> file = cpu_preset_file(what);
  return parse_cpu_model(text, file ? file->string() : fmt::format("preset {}", what));
}

std::vector<std::string> cpu_preset_names() {
  std::vector<std::string> names;
  for (const EmbeddedPreset& p : embedded_cpu_presets()) names.emplace_back(p.name);
  return names;
}

}  // namespace memvirt
