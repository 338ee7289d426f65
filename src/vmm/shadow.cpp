#include "vmm/shadow.hpp"

#include <algorithm>
#include <cassert>

#include "arch/paging.hpp"

namespace memvirt {

Shadow::Shadow(const HypervisorConfig& config, HostMemory& mem, std::vector<Mmu>& cpus,
               Domain& domain)
    : Hypervisor(config, cpus, mem, &domain) {}

void Shadow::write_entry(GuestPhys entry, Pte value) {
  exits_.count(ExitReason::kPtWrite);  // the page is write-protected: the store traps
  mem_.write(domain_->populate(entry), value.raw());
  const auto it = shadowed_.find(entry.align_down(kTableBytes).raw());
  if (it == shadowed_.end()) return;
  const unsigned index = static_cast<unsigned>(entry.offset_in(kTableBytes) / 8);
  // Copy: zapping may free shadow pages and so edit the map.
  const std::vector<HostPhys> pages = it->second;
  for (HostPhys page : pages) zap(page, index);
}

void Shadow::table_freed(GuestPhys table, int) {
  auto root = roots_.find(table.raw());
  if (root != roots_.end()) {
    free_shadow_tree(root->second);
    roots_.erase(root);
    --stats_.shadow_roots;
  }
  // Every other shadow of this table hung below an entry the guest cleared first.
  assert(!shadowed_.count(table.raw()));
}

HostPhys Shadow::new_shadow_page(GuestPhys guest_table, int level, bool direct) {
  const HostPhys page = mem_.allocate(PageSize::k4K, FrameRole::kShadowPageTable);
  mem_.clear(page, PageSize::k4K);
  pages_.emplace(page.raw(), ShadowPage{guest_table, level, direct});
  if (!direct) shadowed_[guest_table.raw()].push_back(page);
  ++stats_.shadow_pages;
  return page;
}

void Shadow::free_shadow_tree(HostPhys page) {
  const auto it = pages_.find(page.raw());
  assert(it != pages_.end());
  const ShadowPage sp = it->second;
  for (unsigned i = 0; i < kEntriesPerTable && sp.level > 1; ++i) {
    const Pte e(mem_.read(page + i * 8u));
    if (e.present() && !pte_is_leaf(e, sp.level)) free_shadow_tree(HostPhys(e.frame()));
  }
  if (!sp.direct) {
    auto& list = shadowed_[sp.guest_table.raw()];
    list.erase(std::find(list.begin(), list.end(), page));
    if (list.empty()) shadowed_.erase(sp.guest_table.raw());
  }
  pages_.erase(it);
  mem_.free(page, PageSize::k4K, FrameRole::kShadowPageTable);
  --stats_.shadow_pages;
}

void Shadow::zap(HostPhys page, unsigned index) {
  const HostPhys entry = page + index * 8u;
  const Pte e(mem_.read(entry));
  if (!e.present()) return;
  if (!pte_is_leaf(e, pages_.at(page.raw()).level)) free_shadow_tree(HostPhys(e.frame()));
  mem_.write(entry, 0);
  ++stats_.shadow_zaps;
}

HostPhys Shadow::shadow_root_for(GuestPhys guest_root) {
  auto it = roots_.find(guest_root.raw());
  if (it != roots_.end()) return it->second;
  const HostPhys root = new_shadow_page(guest_root, config_.levels, false);
  roots_.emplace(guest_root.raw(), root);
  ++stats_.shadow_roots;
  return root;
}

MmuState Shadow::translation_for(GuestPhys root) {
  MmuState s;
  s.mode = TranslationMode::kOneDimension;
  s.root = shadow_root_for(root);
  s.guest_root = root;  // kept so that a shadow fault knows which guest tables to read
  return s;
}

}  // namespace memvirt
