#pragma once
// The calibrated preset as it is being built: the base preset's JSON with fields replaced one by
// one, each replacement (and each field kept from the base) recorded with its source, so that no
// field reaches the file without saying where it came from.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "timing/cpu_model.hpp"

namespace memvirt {

class PresetDraft {
 public:
  // The embedded preset `base` (zen3, zen4, icelake, skylake); every field starts as its value,
  // with the source "assumption: as preset BASE".
  explicit PresetDraft(const std::string& base);

  // Sets a dotted path ("caches.l2.latency_cycles") and its source. The source key is the path
  // unless `source_key` groups several fields under one ("tlb.l1.4k" for entries and ways); an
  // empty source leaves the sources as they are (the name and description have none).
  void set(const std::string& path, nlohmann::ordered_json value, const std::string& source,
           const std::string& source_key = "");
  // Records the source of a field that keeps the base value (why the base is kept).
  void keep(const std::string& source_key, const std::string& why);
  // A source for something outside the fields (host.outer_page).
  void cite(const std::string& source_key, const std::string& text) { sources_[source_key] = text; }
  const nlohmann::ordered_json& at(const std::string& path) const;
  double number(const std::string& path) const { return at(path).get<double>(); }

  // The top-level object `key` (host, calibration), outside the fields with sources.
  void put(const std::string& key, nlohmann::ordered_json value) { root_[key] = std::move(value); }

  const std::string& base() const { return base_; }
  const std::map<std::string, std::string>& sources() const { return sources_; }
  // The preset as parse_cpu_model reads it (throws PresetError if a field is out of range).
  CpuModel model() const;
  // The whole preset, sources included, in the order the hand-made presets use.
  nlohmann::ordered_json json() const;

 private:
  nlohmann::ordered_json& node(const std::string& path);

  std::string base_;
  nlohmann::ordered_json root_;
  std::map<std::string, std::string> sources_;
};

// The source keys of the fields a calibration measures or fits (each must say "measured" or
// "fit" unless the run could not fit it); the preset test checks them all.
const std::vector<std::string>& measured_source_keys();

}  // namespace memvirt
