#pragma once
// Nested paging (Intel EPT, AMD NPT): the guest owns its tables outright, the hardware walks them
// and the domain's nested tree together, and only a guest-physical frame never backed before
// exits to the VMM (an EPT violation).
#include "vmm/hypervisor.hpp"

namespace memvirt {

class Nested final : public Hypervisor {
 public:
  Nested(const HypervisorConfig& config, HostMemory& mem, std::vector<Mmu>& cpus);

  PagingMode mode() const override { return PagingMode::kNested; }
  Pte read_entry(GuestPhys entry) override;
  void write_entry(GuestPhys entry, Pte value) override;
  void table_allocated(GuestPhys table, int level) override;
  void table_freed(GuestPhys, int) override {}
  FaultAction handle_fault(int cpu, GuestVirt va, AccessType type,
                           const WalkResult& walk) override;
  std::optional<HostPhys> host_of(GuestPhys gpa) const override { return domain_.lookup(gpa); }
  const Domain* domain() const override { return &domain_; }

 protected:
  MmuState translation_for(GuestPhys root) override;

 private:
  // A guest store to a frame the EPT does not map yet exits first.
  HostPhys backed(GuestPhys gpa);

  HostMemory& mem_;
  Domain domain_;
};

}  // namespace memvirt
