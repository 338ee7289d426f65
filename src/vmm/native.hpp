#pragma once
// No hypervisor: the kernel's physical addresses are host-physical, its writes land directly,
// and the hardware walks its tables in one dimension.
#include "vmm/hypervisor.hpp"

namespace memvirt {

class Native final : public Hypervisor {
 public:
  Native(HostMemory& mem, Mmu& mmu, int levels) : mem_(mem), mmu_(mmu), levels_(levels) {}

  PagingMode mode() const override { return PagingMode::kNative; }
  Pte read_entry(GuestPhys entry) override { return Pte(mem_.read(identity_host(entry))); }
  void write_entry(GuestPhys entry, Pte value) override {
    mem_.write(identity_host(entry), value.raw());
  }
  void table_allocated(GuestPhys table, int) override {
    mem_.clear(identity_host(table), PageSize::k4K);
  }
  void table_freed(GuestPhys, int) override {}
  void write_cr3(GuestPhys root, uint16_t) override;
  void invlpg(GuestVirt va) override { mmu_.tlb().invalidate_address(va, mmu_.state().tag); }
  void flush_tlb() override { mmu_.tlb().invalidate_non_global(mmu_.state().tag); }
  FaultAction handle_fault(GuestVirt, AccessType, const WalkResult&) override {
    return FaultAction::kGuestFault;
  }
  std::optional<HostPhys> host_of(GuestPhys gpa) const override { return identity_host(gpa); }

 private:
  HostMemory& mem_;
  Mmu& mmu_;
  int levels_;
};

}  // namespace memvirt
