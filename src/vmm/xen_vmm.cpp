#include "vmm/xen_vmm.hpp"

#include "vmm/paging_modes.hpp"

namespace memvirt {

void FrameOwners::record(HostPhys frame, uint16_t vm) {
  std::optional<uint16_t>& owner = owner_.at(frame.raw() >> page_shift(frame_));
  if (!owner) ++frames_;
  owner = vm;
}

std::optional<uint16_t> FrameOwners::owner_of(HostPhys hpa) const {
  return owner_.get(hpa.raw() >> page_shift(frame_));
}

HostPhys XenDomain::allocate_backing() {
  const HostPhys frame = P2mDomain::allocate_backing();
  owners_.record(frame, vm());
  return frame;
}

XenVmm::XenVmm(const VmmHostConfig& config, HostMemory& mem)
    : config_(config), mem_(mem), owners_(config.backing) {}

std::unique_ptr<Domain> XenVmm::create_domain(uint16_t vm) {
  // Where the hardware walks the p2m it is the EPT; otherwise only Xen reads it.
  const FrameRole role = paging_mode_spec(config_.mode).hardware_walks_p2m
                             ? FrameRole::kNestedPageTable
                             : FrameRole::kP2m;
  auto d = std::make_unique<XenDomain>(
      mem_, P2mDomainConfig{vm, config_.backing, config_.levels, role}, owners_);
  // The domain builder gives every domain its start-of-day memory before it runs: the first
  // frame, where the guest kernel's first page table (its first process's root) lives. So even
  // Dom0, which runs no workload, owns memory from the start.
  d->populate(GuestPhys(0));
  return d;
}

}  // namespace memvirt
