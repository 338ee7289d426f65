#include "vmm/shadow.hpp"

#include <algorithm>
#include <cassert>

#include "arch/paging.hpp"
#include "vmm/paging_modes.hpp"

namespace memvirt {

Shadow::Shadow(const HypervisorConfig& config, HostMemory& mem, std::vector<Mmu>& cpus,
               Domain& domain)
    : Hypervisor(config, cpus, mem, &domain) {
  domain.on_invalidate([this](GuestPhys start, uint64_t bytes) { host_invalidated(start, bytes); });
}

void Shadow::write_entry(GuestPhys entry, Pte value) {
  const uint64_t table = entry.align_down(kTableBytes).raw();
  if (unsync_.count(table)) {  // out of sync, so writable: the store lands, no exit
    mem_.write(domain_->populate(entry), value.raw());
    return;
  }
  exits_.count(ExitReason::kPtWrite);  // the page is write-protected: the store traps
  mem_.write(domain_->populate(entry), value.raw());
  if (config_.shadow_unsync && last_level_tables_.count(table)) unsync_.insert(table);
  const auto it = shadowed_.find(table);
  if (it == shadowed_.end()) return;
  const unsigned index = static_cast<unsigned>(entry.offset_in(kTableBytes) / 8);
  // Copy: zapping may free shadow pages and so edit the map.
  const std::vector<HostPhys> pages = it->second;
  for (HostPhys page : pages) zap(page, index);
}

void Shadow::table_allocated(GuestPhys table, int level) {
  Hypervisor::table_allocated(table, level);
  if (level == 1) last_level_tables_.insert(table.raw());
}

void Shadow::table_freed(GuestPhys table, int) {
  last_level_tables_.erase(table.raw());
  unsync_.erase(table.raw());
  auto root = roots_.find(table.raw());
  if (root != roots_.end()) {
    free_shadow_tree(root->second);
    roots_.erase(root);
    --stats_.shadow_roots;
  }
  // Every other shadow of this table hung below an entry the guest cleared first.
  assert(!shadowed_.count(table.raw()));
}

HostPhys Shadow::new_shadow_page(GuestPhys guest_table, int level, bool direct,
                                 std::optional<HostPhys> parent) {
  const HostPhys page = mem_.allocate(PageSize::k4K, FrameRole::kShadowPageTable);
  mem_.clear(page, PageSize::k4K);
  pages_.emplace(page.raw(), ShadowPage{guest_table, level, direct, parent});
  if (!direct) shadowed_[guest_table.raw()].push_back(page);
  ++stats_.shadow_pages;
  return page;
}

void Shadow::free_shadow_tree(HostPhys page) {
  // Post-order: each page goes after the pages below it; level-1 pages hold only leaves.
  shadow_tree(page, pages_.at(page.raw()).level)
      .visit(0, kEveryAddress, [](const auto&, uint64_t) {},
             [&](const auto& e, uint64_t) { release_shadow_page(e.child()); }, 2);
  release_shadow_page(page);
}

void Shadow::release_shadow_page(HostPhys page) {
  const auto it = pages_.find(page.raw());
  assert(it != pages_.end());
  const ShadowPage sp = it->second;
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
  // A switching entry (agile paging) points at a guest table, not at a shadow page.
  if (!e.switches() && !is_leaf_entry(e, pages_.at(page.raw()).level))
    free_shadow_tree(HostPhys(e.frame()));
  mem_.write(entry, 0);
  ++stats_.shadow_zaps;
}

void Shadow::host_invalidated(GuestPhys start, uint64_t bytes) {
  // The host frames that backed the range: the host kernel tells before it changes them.
  std::vector<std::pair<uint64_t, uint64_t>> frames;
  for (uint64_t a = start.raw(); a < start.raw() + bytes;) {
    const GuestPhys gpa(a);
    const uint64_t page = page_bytes(domain_->backing_size(gpa));
    const uint64_t step = page - gpa.offset_in(page);
    if (const auto h = domain_->lookup(gpa)) frames.emplace_back(h->raw(), h->raw() + step);
    a += step;
  }
  // Brute force over every shadow page (KVM keeps a reverse map from frames to sptes instead).
  for (const auto& [raw, sp] : pages_) {
    const uint64_t span = level_span(sp.level);
    for (unsigned i = 0; i < kEntriesPerTable; ++i) {
      const HostPhys entry = HostPhys(raw) + i * 8u;
      const Pte e(mem_.read(entry));
      // Leaves map frames; a switching entry (agile paging) holds a guest table's frame.
      if (!e.present() || (!is_leaf_entry(e, sp.level) && !e.switches())) continue;
      const uint64_t bytes = e.switches() ? kTableBytes : span;
      for (const auto& [lo, hi] : frames) {
        if (e.frame() >= hi || e.frame() + bytes <= lo) continue;
        mem_.write(entry, 0);
        ++stats_.shadow_zaps;
        break;
      }
    }
  }
  const uint16_t asid = config_.tags.tag(config_.vm, 0).asid;
  for (size_t cpu = 0; cpu < cpus_.size(); ++cpu) cpus_[cpu].tlb().invalidate_asid(asid);
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

namespace memvirt {
namespace {

std::unique_ptr<Hypervisor> make_shadow(const HypervisorConfig& config, HostMemory& mem,
                                        std::vector<Mmu>& cpus, Domain* domain) {
  return std::make_unique<Shadow>(config, mem, cpus, *domain);
}

}  // namespace

extern const PagingModeSpec kShadowMode{
    .mode = PagingMode::kShadow,
    .name = "shadow",
    .help = "the VMM keeps shadow tables that the hardware walks in one dimension; guest table "
            "writes and TLB control trap",
    .runs_vms = true,
    .hardware_walks_p2m = false,
    .implied_model = std::nullopt,
    .check = nullptr,
    .make = make_shadow,
};

}  // namespace memvirt
