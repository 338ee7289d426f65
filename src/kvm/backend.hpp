#pragma once
// Which KVM backend serves /dev/kvm, from /sys/module, so that every measurement says what it
// measured: hardware nested paging (kvm_intel ept=Y, kvm_amd npt=1), hardware shadow paging
// (ept=N / npt=0), or PVM (kvm_pvm: shadow paging, guest user mode run natively).
#include <filesystem>
#include <string>

namespace memvirt {

// e.g. "kvm_pvm (PVM, shadow paging)", "kvm_intel (EPT on)", "kvm_amd (NPT off: shadow paging)";
// several loaded backends are joined with " + "; "none" when no kvm module is loaded.
std::string kvm_backend_name(const std::filesystem::path& sys_module = "/sys/module");

}  // namespace memvirt
