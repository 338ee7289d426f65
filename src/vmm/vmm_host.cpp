#include "vmm/vmm_host.hpp"

#include "vmm/kvm_host.hpp"
#include "vmm/p2m_domain.hpp"
#include "vmm/xen_vmm.hpp"

namespace memvirt {
namespace {

// Each domain's memory handed out from host memory and kept in a p2m tree; under nested paging
// that tree is the EPT.
class P2mVmmHost final : public VmmHost {
 public:
  P2mVmmHost(const VmmHostConfig& config, HostMemory& mem) : config_(config), mem_(mem) {}

  std::unique_ptr<Domain> create_domain(uint16_t vm) override {
    const FrameRole role =
        config_.mode == PagingMode::kNested ? FrameRole::kNestedPageTable : FrameRole::kP2m;
    return std::make_unique<P2mDomain>(mem_, P2mDomainConfig{vm, config_.backing, config_.levels, role});
  }

 private:
  VmmHostConfig config_;
  HostMemory& mem_;
};

}  // namespace

std::unique_ptr<VmmHost> make_vmm_host(const VmmHostConfig& config, HostMemory& mem) {
  if (config.model == VmmModel::kXen) return std::make_unique<XenVmm>(config, mem);
  if (config.model == VmmModel::kKvm) return std::make_unique<KvmHost>(config, mem);
  return std::make_unique<P2mVmmHost>(config, mem);
}

}  // namespace memvirt
