#pragma once
// No hypervisor: the kernel's physical addresses are host-physical, its writes land directly,
// and the hardware walks its tables in one dimension.
#include "vmm/hypervisor.hpp"

namespace memvirt {

class Native final : public Hypervisor {
 public:
  Native(const HypervisorConfig& config, HostMemory& mem, std::vector<Mmu>& cpus)
      : Hypervisor(config, cpus), mem_(mem) {}

  PagingMode mode() const override { return PagingMode::kNative; }
  Pte read_entry(GuestPhys entry) override { return Pte(mem_.read(identity_host(entry))); }
  void write_entry(GuestPhys entry, Pte value) override {
    mem_.write(identity_host(entry), value.raw());
  }
  void table_allocated(GuestPhys table, int) override {
    mem_.clear(identity_host(table), PageSize::k4K);
  }
  void table_freed(GuestPhys, int) override {}
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

 private:
  HostMemory& mem_;
};

}  // namespace memvirt
