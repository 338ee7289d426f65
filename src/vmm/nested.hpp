#pragma once
// Nested paging (Intel EPT, AMD NPT): the guest owns its tables outright, the hardware walks them
// and the domain's nested tree together, and only a guest-physical frame never backed before
// exits to the VMM (an EPT violation).
#include "vmm/hypervisor.hpp"

namespace memvirt {

class Nested final : public Hypervisor {
 public:
  Nested(const HypervisorConfig& config, HostMemory& mem, std::vector<Mmu>& cpus,
         Domain& domain);

  PagingMode mode() const override { return PagingMode::kNested; }
  void write_entry(GuestPhys entry, Pte value) override;
  FaultAction handle_fault(int cpu, GuestVirt va, AccessType type,
                           const WalkResult& walk) override;

 protected:
  MmuState translation_for(GuestPhys root) override;

 private:
  // A guest store to a frame the EPT does not map yet exits first.
  HostPhys backed(GuestPhys gpa);
  // The domain zapped EPT entries (KVM: a host munmap or migration): INVEPT, single context,
  // drops every translation this VM's vCPUs derived from its EPT.
  void invept();
};

}  // namespace memvirt
