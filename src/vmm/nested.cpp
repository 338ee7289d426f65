#include "vmm/nested.hpp"

#include "vmm/paging_modes.hpp"

namespace memvirt {

Nested::Nested(const HypervisorConfig& config, HostMemory& mem, std::vector<Mmu>& cpus,
               Domain& domain)
    : Hypervisor(config, cpus, mem, &domain) {
  domain.on_invalidate([this](GuestPhys, uint64_t) { invept(); });
}

void Nested::invept() { invalidate_vm(); }

HostPhys Nested::backed(GuestPhys gpa) {
  if (auto h = domain_->lookup(gpa)) return *h;
  exits_.count(ExitReason::kEptViolation);
  return domain_->populate(gpa);
}

void Nested::write_entry(GuestPhys entry, Pte value) { mem_.write(backed(entry), value.raw()); }

MmuState Nested::translation_for(GuestPhys root) {
  MmuState s;
  s.mode = TranslationMode::kTwoDimensions;
  s.guest_root = root;
  s.ept_root = domain_->ept_root();
  return s;
}

FaultAction Nested::handle_fault(int cpu, GuestVirt, AccessType, const WalkResult& walk) {
  if (walk.status == WalkStatus::kNestedFault) {
    vm_exit(ExitReason::kEptViolation, cpu);
    domain_->populate(walk.nested_gpa);
    return FaultAction::kRetry;
  }
  return FaultAction::kGuestFault;  // delivered to the guest without an exit
}

}  // namespace memvirt

namespace memvirt {
namespace {

std::unique_ptr<Hypervisor> make_nested(const HypervisorConfig& config, HostMemory& mem,
                                        std::vector<Mmu>& cpus, Domain* domain) {
  return std::make_unique<Nested>(config, mem, cpus, *domain);
}

}  // namespace

extern const PagingModeSpec kNestedMode{
    .mode = PagingMode::kNested,
    .name = "nested",
    .help = "EPT/NPT: the hardware walks the guest's tables and the VMM's nested tables, in two "
            "dimensions",
    .runs_vms = true,
    .hardware_walks_p2m = true,
    .implied_model = std::nullopt,
    .check = nullptr,
    .make = make_nested,
};

}  // namespace memvirt
