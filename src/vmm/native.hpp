#pragma once
// No hypervisor: the kernel's physical addresses are host-physical, its writes land directly,
// and the hardware walks its tables in one dimension.
#include "vmm/hypervisor.hpp"

namespace memvirt {

class Native final : public Hypervisor {
 public:
  Native(const HypervisorConfig& config, HostMemory& mem, std::vector<Mmu>& cpus)
      : Hypervisor(config, cpus, mem, nullptr) {}

  PagingMode mode() const override { return PagingMode::kNative; }
  void write_entry(GuestPhys entry, Pte value) override {
    mem_.write(identity_host(entry), value.raw());
  }
  FaultAction handle_fault(int, GuestVirt, AccessType, const WalkResult&) override {
    return FaultAction::kGuestFault;
  }
  std::optional<HostPhys> host_of(GuestPhys gpa) const override { return identity_host(gpa); }

 protected:
  MmuState translation_for(GuestPhys root) override {
    MmuState s;
    s.mode = TranslationMode::kOneDimension;
    s.root = identity_host(root);
    return s;
  }
};

}  // namespace memvirt
