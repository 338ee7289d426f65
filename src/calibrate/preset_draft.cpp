#include "calibrate/preset_draft.hpp"

#include <fmt/format.h>

#include <sstream>
#include <stdexcept>

#include "timing/cpu_presets.hpp"

namespace memvirt {
namespace {

using nlohmann::ordered_json;

// Every field group of a preset, as its sources name them.
const std::vector<std::string>& all_source_keys() {
  static const std::vector<std::string> keys = {"core_ghz",
                                                "tlb.replacement",
                                                "tlb.l1_hit_cycles",
                                                "tlb.l2_hit_cycles",
                                                "tlb.l1.4k",
                                                "tlb.l1.2m",
                                                "tlb.l1.1g",
                                                "tlb.l2.4k",
                                                "tlb.l2.2m",
                                                "tlb.l2.1g",
                                                "walk.start_cycles",
                                                "walk.pwc",
                                                "walk.nested_pwc",
                                                "walk.nested_tlb",
                                                "caches.replacement",
                                                "caches.prefetch_degree",
                                                "caches.l1d",
                                                "caches.l1d.latency_cycles",
                                                "caches.l2",
                                                "caches.l2.latency_cycles",
                                                "caches.llc.size_kib",
                                                "caches.llc.ways",
                                                "caches.llc.latency_cycles",
                                                "caches.memory_latency_cycles",
                                                "caches.memory_line_cycles",
                                                "virt"};
  return keys;
}

std::string_view embedded_text(const std::string& name) {
  for (const EmbeddedPreset& p : embedded_cpu_presets())
    if (p.name == name) return p.text;
  throw std::invalid_argument(fmt::format("no embedded preset '{}'", name));
}

// The base preset's own source for `key`: under that key, alone or in a list of keys
// ("tlb.l1, tlb.l2"); a source for a whole group ("caches") says nothing certain of one field.
std::string base_source(const ordered_json& sources, const std::string& key) {
  for (const auto& [k, v] : sources.items()) {
    if (!v.is_string()) continue;
    std::istringstream keys(k);
    for (std::string one; std::getline(keys, one, ',');) {
      one.erase(0, one.find_first_not_of(' '));
      if (one == key) return v.get<std::string>();
    }
  }
  return {};
}

}  // namespace

PresetDraft::PresetDraft(const std::string& base) : base_(base) {
  root_ = ordered_json::parse(embedded_text(base));
  const ordered_json base_sources = root_.value("sources", ordered_json::object());
  root_.erase("sources");
  root_.erase("calibration");
  root_.erase("host");
  for (const std::string& key : all_source_keys()) {
    const std::string cited = base_source(base_sources, key);
    sources_[key] = fmt::format("assumption: as preset {}{}", base,
                                cited.empty() ? "" : fmt::format(" ({})", cited));
  }
}

ordered_json& PresetDraft::node(const std::string& path) {
  ordered_json* n = &root_;
  std::istringstream parts(path);
  for (std::string part; std::getline(parts, part, '.');) n = &(*n)[part];
  return *n;
}

void PresetDraft::set(const std::string& path, ordered_json value, const std::string& source,
                      const std::string& source_key) {
  node(path) = std::move(value);
  if (!source.empty()) sources_[source_key.empty() ? path : source_key] = source;
}

void PresetDraft::keep(const std::string& source_key, const std::string& why) {
  sources_[source_key] = fmt::format("assumption: as preset {} ({})", base_, why);
}

const ordered_json& PresetDraft::at(const std::string& path) const {
  const ordered_json* n = &root_;
  std::istringstream parts(path);
  for (std::string part; std::getline(parts, part, '.');) {
    if (!n->contains(part)) throw std::logic_error("preset draft has no field " + path);
    n = &(*n)[part];
  }
  return *n;
}

CpuModel PresetDraft::model() const { return parse_cpu_model(json().dump(), "calibrated preset"); }

ordered_json PresetDraft::json() const {
  ordered_json out;
  for (const char* key : {"name", "description", "core_ghz", "tlb", "walk", "caches", "virt"})
    out[key] = root_.at(key);
  out["sources"] = ordered_json::object();
  for (const std::string& key : all_source_keys()) out["sources"][key] = sources_.at(key);
  for (const auto& [key, text] : sources_)
    if (!out["sources"].contains(key)) out["sources"][key] = text;
  for (const char* key : {"host", "calibration"})
    if (root_.contains(key)) out[key] = root_.at(key);
  return out;
}

const std::vector<std::string>& measured_source_keys() {
  static const std::vector<std::string> keys = {
      "core_ghz",
      "caches.l1d.latency_cycles",
      "caches.l2.latency_cycles",
      "caches.llc.size_kib",
      "caches.llc.latency_cycles",
      "caches.memory_latency_cycles",
      "caches.memory_line_cycles",
      "caches.prefetch_degree",
      "tlb.l2_hit_cycles",
      "walk.start_cycles",
  };
  return keys;
}

}  // namespace memvirt
