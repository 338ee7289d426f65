#include "vmm/native.hpp"

#include <stdexcept>

#include "vmm/paging_modes.hpp"

namespace memvirt {
namespace {

void check_native(const ModeRequest& r) {
  if (r.vms > 1) throw std::invalid_argument("native mode runs no VMs: use one VM");
  if (r.guest_memory > r.host_memory)
    throw std::invalid_argument("native mode: guest memory exceeds host memory");
}

std::unique_ptr<Hypervisor> make_native(const HypervisorConfig& config, HostMemory& mem,
                                        std::vector<Mmu>& cpus, Domain*) {
  return std::make_unique<Native>(config, mem, cpus);
}

}  // namespace

extern const PagingModeSpec kNativeMode{
    .mode = PagingMode::kNative,
    .name = "native",
    .help = "no VMM: the hardware walks the kernel's own tables, in one dimension",
    .runs_vms = false,
    .hardware_walks_p2m = false,
    .implied_model = std::nullopt,
    .check = check_native,
    .make = make_native,
};

}  // namespace memvirt
