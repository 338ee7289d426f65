// The shadow fault path: read the guest's translation in software and build the shadow path
// that makes the hardware agree with it.
#include "arch/paging.hpp"
#include "mmu/walker.hpp"
#include "vmm/shadow.hpp"

namespace memvirt {

FaultAction Shadow::handle_fault(int cpu, GuestVirt va, AccessType type, const WalkResult&) {
  // The hardware walked the shadow tree: every #PF exits to the VMM first.
  if (!sync(cpus_[static_cast<size_t>(cpu)].state().guest_root, va, type)) {
    vm_exit(ExitReason::kGuestFault, cpu);
    return FaultAction::kGuestFault;
  }
  vm_exit(ExitReason::kShadowFault, cpu);
  ++stats_.shadow_faults;
  return FaultAction::kRetry;
}

HostPhys Shadow::shadow_child(const TableEntry<HostPhys, Pte>& entry, GuestPhys guest_table,
                              bool direct) {
  if (entry.present()) return entry.child();
  const HostPhys child = new_shadow_page(guest_table, entry.level - 1, direct, entry.at);
  mem_.write(entry.at, Pte().set_present(true).set_writable(true).set_user(true).set_accessed(true)
                           .set_frame(child.raw()).raw());
  return child;
}

bool Shadow::sync(GuestPhys guest_root, GuestVirt va, AccessType type) {
  // The guest's own view, through the p2m. The VMM sets the guest's accessed and dirty bits as
  // the hardware would have, so the walk updates them.
  const WalkRequest req{va.raw(), type, true, true};
  WalkResult g;
  const GuestLocator locate = [this](GuestPhys gpa) { return domain_->lookup(gpa); };
  for (;;) {
    g = walk_guest_tables(mem_, guest_root, config_.levels, req, locate);
    if (g.status != WalkStatus::kNestedFault) break;
    domain_->populate(g.nested_gpa);
  }
  if (g.status != WalkStatus::kOk) return false;

  const PageSize size = std::min(g.guest_size, domain_->backing_size(g.gpa));
  const int guest_leaf = leaf_level(g.guest_size);
  // The guest's table beside each shadow table on the way down; below the guest's leaf, the
  // shadow pages map parts of its large page directly.
  GuestPhys guest_table = guest_root;
  const auto tree = shadow_tree(shadow_root_for(guest_root), config_.levels);
  auto down = [&](const auto& e) {
    if (e.level <= guest_leaf) return shadow_child(e, GuestPhys(), true);
    guest_table = GuestPhys(read_entry(entry_address(guest_table, va.raw(), e.level)).frame());
    return shadow_child(e, guest_table, false);
  };
  if (const std::optional<Handover> h = handover(guest_root, va, guest_leaf)) {
    const HostPhys at = tree.follow(va.raw(), h->level + 1, down);
    mem_.write(at, Pte().set_present(true).set_writable(true).set_user(true).set_accessed(true)
                       .set_switches(true).set_frame(domain_->populate(h->table).raw()).raw());
    handed_over(at, h->table);
    return true;
  }
  const HostPhys entry = tree.follow(va.raw(), leaf_level(size), down);
  const GuestPhys frame = g.gpa.align_down(page_bytes(size));
  // Until the guest's dirty bit is set, a write must fault so the VMM can set it; and a guest
  // page-table page is never writable through the shadow.
  const bool writable =
      g.perm.writable && g.dirty && !shadowed_.count(g.gpa.align_down(kTableBytes).raw());
  const Pte leaf = Pte()
                       .set_present(true)
                       .set_writable(writable)
                       .set_user(g.perm.user)
                       .set_no_execute(!g.perm.executable)
                       .set_large(size != PageSize::k4K)
                       .set_accessed(true)
                       .set_dirty(writable)
                       .set_frame(domain_->populate(frame).raw());
  mem_.write(entry, leaf.raw());
  return true;
}

}  // namespace memvirt
