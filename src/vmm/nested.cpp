#include "vmm/nested.hpp"

namespace memvirt {

Nested::Nested(const HypervisorConfig& config, HostMemory& mem, Mmu& mmu)
    : mem_(mem),
      mmu_(mmu),
      config_(config),
      domain_(mem, DomainConfig{config.vpid, config.nested_page, config.nested_levels,
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

void Nested::write_cr3(GuestPhys root, uint16_t) {
  MmuState s;
  s.mode = TranslationMode::kTwoDimensions;
  s.guest_root = root;
  s.ept_root = domain_.root();
  s.levels = config_.levels;
  s.ept_levels = config_.nested_levels;
  s.tag = TlbTag{config_.vpid, 0};
  mmu_.load(s);
  // With VPID but no PCID, a guest CR3 write still drops the guest's non-global entries.
  mmu_.tlb().invalidate_non_global(s.tag);
}

FaultAction Nested::handle_fault(GuestVirt, AccessType, const WalkResult& walk) {
  if (walk.status == WalkStatus::kNestedFault) {
    exits_.count(ExitReason::kEptViolation);
    domain_.populate(walk.nested_gpa);
    return FaultAction::kRetry;
  }
  return FaultAction::kGuestFault;  // delivered to the guest without an exit
}

}  // namespace memvirt
