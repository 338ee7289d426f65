#include "vmm/vmm_host.hpp"

#include "vmm/kvm_host.hpp"
#include "vmm/xen_vmm.hpp"

namespace memvirt {

std::unique_ptr<VmmHost> make_vmm_host(const VmmHostConfig& config, HostMemory& mem) {
  if (config.model == VmmModel::kXen) return std::make_unique<XenVmm>(config, mem);
  return std::make_unique<KvmHost>(config, mem);
}

}  // namespace memvirt
