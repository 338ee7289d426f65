#pragma once
// Nested paging (Intel EPT, AMD NPT): the guest owns its tables outright, the hardware walks them
// and the domain's nested tree together, and only a guest-physical frame never backed before
// exits to the VMM (an EPT violation).
#include "vmm/hypervisor.hpp"

namespace memvirt {

class Nested final : public Hypervisor {
 public:
  Nested(const HypervisorConfig& config, HostMemory& mem, Mmu& mmu);

  PagingMode mode() const override { return PagingMode::kNested; }
  Pte read_entry(GuestPhys entry) override;
  void write_entry(GuestPhys entry, Pte value) override;
  void table_allocated(GuestPhys table, int level) override;
  void table_freed(GuestPhys, int) override {}
  void write_cr3(GuestPhys root, uint16_t pcid) override;
  void invlpg(GuestVirt va) override { mmu_.tlb().invalidate_address(va, mmu_.state().tag); }
  void flush_tlb() override { mmu_.tlb().invalidate_non_global(mmu_.state().tag); }
  FaultAction handle_fault(GuestVirt va, AccessType type, const WalkResult& walk) override;
  std::optional<HostPhys> host_of(GuestPhys gpa) const override { return domain_.lookup(gpa); }
  const Domain* domain() const override { return &domain_; }

 private:
  // A guest store to a frame the EPT does not map yet exits first.
  HostPhys backed(GuestPhys gpa);

  HostMemory& mem_;
  Mmu& mmu_;
  HypervisorConfig config_;
  Domain domain_;
};

}  // namespace memvirt
