#include "kvm/backend.hpp"

#include <array>
#include <fstream>
#include <vector>

namespace memvirt {
namespace {

namespace fs = std::filesystem;

struct VendorModule {
  const char* module;
  KvmBackendKind kind;
  const char* parameter;  // the nested-paging switch; null: none
  const char* label;      // how the switch is named in kvm_backend_name()
};

// The order kvm_backend_name() lists them and detect_kvm_backend() prefers them.
constexpr std::array<VendorModule, 3> kVendorModules = {{
    {"kvm_pvm", KvmBackendKind::kPvm, nullptr, nullptr},
    {"kvm_intel", KvmBackendKind::kIntel, "ept", "EPT"},
    {"kvm_amd", KvmBackendKind::kAmd, "npt", "NPT"},
}};

std::string read_parameter(const fs::path& module, const std::string& name) {
  std::ifstream in(module / "parameters" / name);
  std::string value;
  in >> value;
  return value;
}

std::optional<bool> nested_paging(const fs::path& sys_module, const VendorModule& m) {
  if (m.parameter == nullptr) return std::nullopt;
  const std::string value = read_parameter(sys_module / m.module, m.parameter);
  if (value.empty()) return std::nullopt;
  return value == "Y" || value == "1";
}

std::string describe(const fs::path& sys_module, const VendorModule& m) {
  if (m.parameter == nullptr) return std::string(m.module) + " (PVM, shadow paging)";
  const std::optional<bool> on = nested_paging(sys_module, m);
  const std::string label = m.label;
  if (!on) return std::string(m.module) + " (" + label + " unknown)";
  return std::string(m.module) +
         (*on ? " (" + label + " on)" : " (" + label + " off: shadow paging)");
}

}  // namespace

KvmBackend detect_kvm_backend(const fs::path& sys_module) {
  for (const VendorModule& m : kVendorModules) {
    if (fs::exists(sys_module / m.module)) return {m.kind, nested_paging(sys_module, m)};
  }
  return {fs::exists(sys_module / "kvm") ? KvmBackendKind::kUnknown : KvmBackendKind::kNone,
          std::nullopt};
}

std::string kvm_backend_name(const fs::path& sys_module) {
  std::vector<std::string> found;
  for (const VendorModule& m : kVendorModules) {
    if (fs::exists(sys_module / m.module)) found.push_back(describe(sys_module, m));
  }
  if (found.empty()) return fs::exists(sys_module / "kvm") ? "kvm (vendor module unknown)" : "none";
  std::string name;
  for (const std::string& f : found) name += (name.empty() ? "" : " + ") + f;
  return name;
}

}  // namespace memvirt
