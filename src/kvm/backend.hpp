#pragma once
// Which KVM backend serves /dev/kvm, from /sys/module, so that every measurement says what it
// measured: hardware nested paging (kvm_intel ept=Y, kvm_amd npt=1), hardware shadow paging
// (ept=N / npt=0), or PVM (kvm_pvm: shadow paging, guest user mode run natively).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace memvirt {

enum class KvmBackendKind : uint8_t {
  kNone,     // no kvm module loaded
  kUnknown,  // kvm is loaded but none of the vendor modules below
  kIntel,    // kvm_intel (VMX)
  kAmd,      // kvm_amd (SVM)
  kPvm,      // kvm_pvm: shadow paging, no hardware virtualization needed
};

struct KvmBackend {
  KvmBackendKind kind = KvmBackendKind::kNone;
  // kvm_intel's ept / kvm_amd's npt; empty when the parameter cannot be read, and for backends
  // that have no such choice (kvm_pvm always shadows).
  std::optional<bool> nested_paging;
};

// The backend that serves /dev/kvm. Should several vendor modules be loaded, the first of
// kvm_pvm, kvm_intel, kvm_amd, in the order kvm_backend_name() lists them.
KvmBackend detect_kvm_backend(const std::filesystem::path& sys_module = "/sys/module");

// e.g. "kvm_pvm (PVM, shadow paging)", "kvm_intel (EPT on)", "kvm_amd (NPT off: shadow paging)";
// several loaded backends are joined with " + "; "none" when no kvm module is loaded.
std::string kvm_backend_name(const std::filesystem::path& sys_module = "/sys/module");

}  // namespace memvirt
