#include "kvm/backend.hpp"

#include <fstream>
#include <vector>

namespace memvirt {
namespace {

namespace fs = std::filesystem;

std::string read_parameter(const fs::path& module, const std::string& name) {
  std::ifstream in(module / "parameters" / name);
  std::string value;
  in >> value;
  return value;
}

bool enabled(const std::string& value) { return value == "Y" || value == "1"; }

std::string nested_paging(const fs::path& module, const std::string& param, const char* label) {
  const std::string value = read_parameter(module, param);
  if (value.empty()) return std::string(" (") + label + " unknown)";
  return enabled(value) ? std::string(" (") + label + " on)"
                        : std::string(" (") + label + " off: shadow paging)";
}

}  // namespace

std::string kvm_backend_name(const fs::path& sys_module) {
  std::vector<std::string> found;
  if (fs::exists(sys_module / "kvm_pvm")) found.push_back("kvm_pvm (PVM, shadow paging)");
  if (fs::exists(sys_module / "kvm_intel")) {
    found.push_back("kvm_intel" + nested_paging(sys_module / "kvm_intel", "ept", "EPT"));
  }
  if (fs::exists(sys_module / "kvm_amd")) {
    found.push_back("kvm_amd" + nested_paging(sys_module / "kvm_amd", "npt", "NPT"));
  }
  if (found.empty()) return fs::exists(sys_module / "kvm") ? "kvm (vendor module unknown)" : "none";
  std::string name;
  for (const std::string& f : found) name += (name.empty() ? "" : " + ") + f;
  return name;
}

}  // namespace memvirt
