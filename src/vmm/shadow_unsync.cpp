// KVM's unsync optimization: last-level guest tables go out of sync on their first write, and
// the guest's TLB control (which exits under shadow paging) brings their shadows back in sync.
#include "arch/paging.hpp"
#include "vmm/shadow.hpp"

namespace memvirt {

void Shadow::write_cr3(int cpu, GuestPhys root, uint16_t pcid) {
  resync_all();
  Hypervisor::write_cr3(cpu, root, pcid);
}

void Shadow::invlpg(int cpu, GuestVirt va) {
  resync_address(cpu, va);
  Hypervisor::invlpg(cpu, va);
}

void Shadow::flush_tlb(int cpu) {
  resync_all();
  Hypervisor::flush_tlb(cpu);
}

void Shadow::invpcid(int cpu, uint16_t pcid) {
  // The tables of the process behind `pcid` are not told apart from the others: sync them all.
  resync_all();
  Hypervisor::invpcid(cpu, pcid);
}

void Shadow::resync_all() {
  for (uint64_t table : unsync_) {
    const auto it = shadowed_.find(table);
    if (it == shadowed_.end()) continue;  // nothing derived from it: protecting it is enough
    for (HostPhys page : it->second) {
      const ShadowPage& sp = pages_.at(page.raw());
      for (unsigned i = 0; i < kEntriesPerTable; ++i) resync_entry(page, sp, i);
      ++stats_.shadow_syncs;
    }
  }
  unsync_.clear();  // every one write-protected again
}

void Shadow::resync_address(int cpu, GuestVirt va) {
  if (unsync_.empty()) return;
  const auto root = roots_.find(vcpu_state_[static_cast<size_t>(cpu)].guest_root.raw());
  if (root == roots_.end()) return;
  const auto e = shadow_tree(root->second, config_.levels).descend(va.raw(), 2);
  if (e.level != 2 || !e.table()) return;
  const HostPhys page = e.child();
  const ShadowPage& sp = pages_.at(page.raw());
  if (sp.direct || !unsync_.count(sp.guest_table.raw())) return;
  resync_entry(page, sp, table_index(va.raw(), 1));
  ++stats_.shadow_syncs;  // the page stays out of sync; this address is current again
}

void Shadow::resync_entry(HostPhys page, const ShadowPage& sp, unsigned index) {
  const HostPhys entry = page + index * 8u;
  const Pte shadow(mem_.read(entry));
  if (!shadow.present()) return;  // filled from the guest entry on the next fault anyway
  ++stats_.shadow_sync_entries;
  if (!stale(read_entry(sp.guest_table + index * 8u), shadow)) return;
  mem_.write(entry, 0);
  ++stats_.shadow_zaps;
}

bool Shadow::stale(Pte guest, Pte shadow) const {
  // A shadow stricter than the guest is harmless: the access faults and the fault path refills.
  if (!guest.present()) return true;
  const auto host = domain_->lookup(GuestPhys(guest.frame()));
  if (!host || host->raw() != shadow.frame()) return true;
  if (shadow.writable() && !(guest.writable() && guest.dirty())) return true;
  if (shadow.user() && !guest.user()) return true;
  return !shadow.no_execute() && guest.no_execute();
}

}  // namespace memvirt
