#pragma once
// What the `memvirt compare` tests give the binary: a config home of their own (so that no
// calibrated preset of the machine running the tests is picked up), and preset files made from
// the embedded presets with a field changed.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/run_binary.hpp"
#include "timing/cpu_presets.hpp"

namespace memvirt::test {

inline nlohmann::json embedded_preset(const std::string& name) {
  for (const EmbeddedPreset& p : embedded_cpu_presets())
    if (p.name == name) return nlohmann::json::parse(p.text);
  return nullptr;
}

inline std::filesystem::path write_json_file(const std::filesystem::path& path,
                                             const nlohmann::json& value) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << value.dump(2) << '\n';
  return path;
}

// A scratch XDG_CONFIG_HOME, removed with the object; host_preset() is where calibration writes.
class ConfigHome {
 public:
  ConfigHome() : dir_(scratch_file("memvirt-config-home")) {
    std::filesystem::create_directories(dir_);
  }
  ~ConfigHome() { std::filesystem::remove_all(dir_); }
  ConfigHome(const ConfigHome&) = delete;
  ConfigHome& operator=(const ConfigHome&) = delete;

  std::filesystem::path host_preset() const { return dir_ / "memvirt" / "host.json"; }
  std::filesystem::path file(const std::string& name) const { return dir_ / name; }
  Environment env() const { return {{"XDG_CONFIG_HOME", dir_.string()}}; }

 private:
  std::filesystem::path dir_;
};

}  // namespace memvirt::test
