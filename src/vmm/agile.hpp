#pragma once
// Agile paging (Gandhi, Hill and Swift, ISCA 2016): shadow paging for the parts of a guest's
// tables that stay put, nested paging for those it keeps changing. The hardware walk starts in
// the agile table, a shadow table; where an entry carries the switch bit it continues in the
// guest's own table, two-dimensionally (mmu/walker.hpp, walk_agile). The VMM starts with every
// guest table shadowed and write-protected. A guest table written more than `agile_writes` times
// within an interval of `agile_interval` accesses goes to nested mode with every table below it:
// its shadows are dropped, the entries above switch to it, and its writes land without an exit.
// A nested table whose tables saw no write in an interval goes back: the switching entries are
// dropped and the next access fills shadows again. Root tables stay shadowed.
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "vmm/shadow.hpp"

namespace memvirt {

struct AgileStats {
  uint64_t to_nested = 0;    // guest tables moved to nested mode (with the tables below them)
  uint64_t to_shadow = 0;    // moved back
  uint64_t switch_fills = 0;  // switching entries written by shadow fills
};

class Agile final : public Shadow {
 public:
  Agile(const HypervisorConfig& config, HostMemory& mem, std::vector<Mmu>& cpus, Domain& domain);

  PagingMode mode() const override { return PagingMode::kAgile; }
  void write_entry(GuestPhys entry, Pte value) override;
  void table_allocated(GuestPhys table, int level) override;
  void table_freed(GuestPhys table, int level) override;
  FaultAction handle_fault(int cpu, GuestVirt va, AccessType type,
                           const WalkResult& walk) override;
  void tick(uint64_t accesses) override;
  const AgileStats& agile_stats() const { return agile_; }
  // Whether the guest table at `table` is walked in nested mode now.
  bool nested(GuestPhys table) const { return nested_.count(table.raw()) != 0; }

 protected:
  MmuState translation_for(GuestPhys root) override;
  std::optional<Handover> handover(GuestPhys guest_root, GuestVirt va, int guest_leaf) override;
  void handed_over(HostPhys entry, GuestPhys table) override;

 private:
  // Moves `table` and every table below it to nested mode.
  void to_nested(GuestPhys table);
  // Moves the nested subtree whose top is `top` back to shadow paging.
  void to_shadow(GuestPhys top);

  std::unordered_map<uint64_t, int> levels_;          // guest table -> its level
  std::unordered_map<uint64_t, uint32_t> writes_;     // guest table -> writes this interval
  std::unordered_map<uint64_t, uint64_t> nested_;     // nested guest table -> its subtree's top
  std::unordered_map<uint64_t, uint64_t> top_writes_;  // nested top -> writes below it this interval
  std::unordered_map<uint64_t, std::vector<HostPhys>> switches_;  // nested top -> switching entries
  uint64_t interval_start_ = 0;
  AgileStats agile_;
};

}  // namespace memvirt
