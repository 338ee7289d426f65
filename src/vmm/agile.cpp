#include "vmm/agile.hpp"

#include <algorithm>

#include "arch/table_cursor.hpp"
#include "vmm/paging_modes.hpp"

namespace memvirt {

Agile::Agile(const HypervisorConfig& config, HostMemory& mem, std::vector<Mmu>& cpus,
             Domain& domain)
    : Shadow(config, mem, cpus, domain) {}

MmuState Agile::translation_for(GuestPhys root) {
  MmuState s = Shadow::translation_for(root);
  s.mode = TranslationMode::kAgile;
  s.ept_root = domain_->ept_root();
  return s;
}

void Agile::table_allocated(GuestPhys table, int level) {
  Shadow::table_allocated(table, level);
  levels_[table.raw()] = level;
}

void Agile::table_freed(GuestPhys table, int level) {
  Shadow::table_freed(table, level);
  levels_.erase(table.raw());
  writes_.erase(table.raw());
  if (const auto n = nested_.find(table.raw()); n != nested_.end()) {
    if (n->second == table.raw()) {  // the top of a nested subtree: nothing left above it
      switches_.erase(table.raw());
      top_writes_.erase(table.raw());
    }
    nested_.erase(n);
  }
}

void Agile::write_entry(GuestPhys entry, Pte value) {
  const uint64_t table = entry.align_down(kTableBytes).raw();
  const auto level = levels_.find(table);
  if (const auto n = nested_.find(table); n != nested_.end()) {
    // Walked nested, so not write-protected: the store lands without an exit.
    const uint64_t top = n->second;
    mem_.write(domain_->populate(entry), value.raw());
    ++top_writes_[top];
    // A table hung below a nested one is walked nested too.
    if (value.present() && level != levels_.end() && !is_leaf_entry(value, level->second))
      nested_[value.frame()] = top;
    return;
  }
  Shadow::write_entry(entry, value);
  if (level == levels_.end() || level->second >= config_.levels) return;  // roots stay shadowed
  if (++writes_[table] > config_.agile_writes) to_nested(GuestPhys(table));
}

void Agile::to_nested(GuestPhys table) {
  const uint64_t top = table.raw();
  // Its shadows go, each with the shadow entry that pointed at it.
  if (const auto it = shadowed_.find(top); it != shadowed_.end()) {
    const std::vector<HostPhys> pages = it->second;  // freeing edits the map
    for (HostPhys page : pages) {
      if (const auto parent = pages_.at(page.raw()).parent) mem_.write(*parent, 0);
      free_shadow_tree(page);
    }
  }
  // It and every table below it are walked nested from now on; a nested subtree below it joins.
  auto join = [&](uint64_t t) {
    if (const auto n = nested_.find(t); n != nested_.end() && n->second == t) {
      switches_.erase(t);  // its switching entries were in shadows just freed
      top_writes_.erase(t);
    }
    nested_[t] = top;
  };
  join(top);
  table_cursor<Pte>(table, levels_.at(top), [this](GuestPhys e) { return read_entry(e); })
      .visit(0, kEveryAddress, [](const auto&, uint64_t) {},
             [&](const auto& e, uint64_t) { join(e.child().raw()); }, 2);
  top_writes_[top] = 0;
  writes_.erase(top);
  ++agile_.to_nested;
  invalidate_vm();
}

void Agile::to_shadow(GuestPhys top) {
  std::erase_if(nested_, [&](const auto& n) { return n.second == top.raw(); });
  for (HostPhys e : switches_[top.raw()])
    if (pages_.count(e.align_down(kTableBytes).raw()) && Pte(mem_.read(e)).switches())
      mem_.write(e, 0);  // the next access there fills shadows again
  switches_.erase(top.raw());
  top_writes_.erase(top.raw());
  ++agile_.to_shadow;
  invalidate_vm();
}

void Agile::tick(uint64_t accesses) {
  if (accesses - interval_start_ < config_.agile_interval) return;
  interval_start_ = accesses;
  writes_.clear();
  std::vector<uint64_t> idle;
  for (const auto& [top, writes] : top_writes_)
    if (writes == 0) idle.push_back(top);
  std::sort(idle.begin(), idle.end());
  for (uint64_t top : idle) to_shadow(GuestPhys(top));
  for (auto& [top, writes] : top_writes_) writes = 0;
}

std::optional<Shadow::Handover> Agile::handover(GuestPhys guest_root, GuestVirt va,
                                                int guest_leaf) {
  if (nested_.empty()) return std::nullopt;
  std::optional<Handover> h;
  table_cursor<Pte>(guest_root, config_.levels, [this](GuestPhys e) { return read_entry(e); })
      .descend(va.raw(), guest_leaf + 1, [&](const auto& e) {
        if (!h && e.table() && nested_.count(e.child().raw())) h = Handover{e.level - 1, e.child()};
      });
  return h;
}

void Agile::handed_over(HostPhys entry, GuestPhys table) {
  switches_[nested_.at(table.raw())].push_back(entry);
  ++agile_.switch_fills;
}

FaultAction Agile::handle_fault(int cpu, GuestVirt va, AccessType type, const WalkResult& walk) {
  if (walk.status == WalkStatus::kNestedFault) {  // in the nested part: an EPT violation
    vm_exit(ExitReason::kEptViolation, cpu);
    domain_->populate(walk.nested_gpa);
    return FaultAction::kRetry;
  }
  // A fault in the guest's own table goes to the guest without an exit, as under nested paging.
  if (walk.nested_guest_levels > 0 && walk.fault_level <= walk.nested_guest_levels)
    return FaultAction::kGuestFault;
  return Shadow::handle_fault(cpu, va, type, walk);
}

namespace {

std::unique_ptr<Hypervisor> make_agile(const HypervisorConfig& config, HostMemory& mem,
                                       std::vector<Mmu>& cpus, Domain* domain) {
  return std::make_unique<Agile>(config, mem, cpus, *domain);
}

}  // namespace

extern const PagingModeSpec kAgileMode{
    .mode = PagingMode::kAgile,
    .name = "agile",
    .help = "agile paging (Gandhi et al., ISCA 2016): shadow tables where the guest's stay put, "
            "switching to a nested walk below guest tables it keeps writing",
    .runs_vms = true,
    .hardware_walks_p2m = true,
    .implied_model = std::nullopt,
    .check = nullptr,
    .make = make_agile,
};

}  // namespace memvirt
