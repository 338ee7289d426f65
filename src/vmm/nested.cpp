#include "vmm/nested.hpp"

namespace memvirt {

Nested::Nested(const HypervisorConfig& config, HostMemory& mem, std::vector<Mmu>& cpus)
    : Hypervisor(config, cpus),
      mem_(mem),
      domain_(mem, DomainConfig{config.vm, config.nested_page, config.nested_levels,
                                FrameRole::kNestedPageTable}) {}

HostPhys Nested::backed(GuestPhys gpa) {
  if (auto h = domain_.lookup(gpa)) return *h;
  exits_.count(ExitReason::kEptViolation);
  return domain_.populate(gpa);
}

Pte Nested::read_entry(GuestPhys entry) {
  const auto h = domain_.lookup(entry);
  return h ? Pte(mem_.read(*h)) : Pte();
}

void Nested::write_entry(GuestPhys entry, Pte value) { mem_.write(backed(entry), value.raw()); }

void Nested::table_allocated(GuestPhys table, int) {
  if (auto h = domain_.lookup(table)) mem_.clear(*h, PageSize::k4K);
}

MmuState Nested::translation_for(GuestPhys root) {
  MmuState s;
  s.mode = TranslationMode::kTwoDimensions;
  s.guest_root = root;
  s.ept_root = domain_.root();
  return s;
}

FaultAction Nested::handle_fault(int cpu, GuestVirt, AccessType, const WalkResult& walk) {
  if (walk.status == WalkStatus::kNestedFault) {
    vm_exit(ExitReason::kEptViolation, cpu);
    domain_.populate(walk.nested_gpa);
    return FaultAction::kRetry;
  }
  return FaultAction::kGuestFault;  // delivered to the guest without an exit
}

}  // namespace memvirt
