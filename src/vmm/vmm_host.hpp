#pragma once
// Who the VMM is and where VMs' memory comes from. Xen: a hypervisor below a privileged Dom0 and
// unprivileged DomUs, handing host memory to each domain itself. KVM: the host kernel, guest
// memory being anonymous memory of a VMM process.
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "arch/page_size.hpp"
#include "memory/host_memory.hpp"
#include "vmm/domain.hpp"
#include "vmm/hypervisor.hpp"

namespace memvirt {

enum class VmmModel : uint8_t { kXen, kKvm };

constexpr std::string_view vmm_model_name(VmmModel m) { return m == VmmModel::kXen ? "xen" : "kvm"; }
constexpr std::optional<VmmModel> parse_vmm_model(std::string_view text) {
  if (text == "xen") return VmmModel::kXen;
  if (text == "kvm") return VmmModel::kKvm;
  return std::nullopt;
}

struct VmmHostConfig {
  VmmModel model = VmmModel::kKvm;
  PagingMode mode = PagingMode::kShadow;
  PageSize backing = PageSize::k4K;  // host pages behind guest memory
  int levels = 4;                    // EPT / p2m levels
  uint64_t guest_memory = uint64_t{256} << 30;  // each VM's guest-physical memory
};

class VmmHost {
 public:
  virtual ~VmmHost() = default;
  // Guests the VMM runs besides the workload VMs (Xen's Dom0), created first.
  virtual int privileged_guests() const { return 0; }
  // The memory of VM `vm` (its ASID/VPID).
  virtual std::unique_ptr<Domain> create_domain(uint16_t vm) = 0;
};

std::unique_ptr<VmmHost> make_vmm_host(const VmmHostConfig& config, HostMemory& mem);

}  // namespace memvirt
