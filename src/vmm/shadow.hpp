#pragma once
// Shadow paging: the VMM keeps, per guest page-table root, its own gVA -> hPA tree and the
// hardware walks only that. Guest page-table pages are write-protected, so every guest entry
// write exits; the VMM emulates it and drops the shadow entries derived from it. Shadow entries
// are filled lazily, on the hidden faults the hardware raises where they are missing.
//
// With unsync (KVM's out-of-sync shadow pages), a guest table of the last level stops being
// write-protected after its first write: later writes land without an exit and its shadow goes
// stale until the guest's INVLPG (that entry) or TLB flush / CR3 write (every unsync table),
// which x86 requires of the guest anyway and which exit under shadow paging. Upper-level guest
// tables stay write-protected always.
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "arch/pte.hpp"
#include "arch/table_cursor.hpp"
#include "vmm/hypervisor.hpp"

namespace memvirt {

class Shadow : public Hypervisor {
 public:
  Shadow(const HypervisorConfig& config, HostMemory& mem, std::vector<Mmu>& cpus,
         Domain& domain);

  PagingMode mode() const override { return PagingMode::kShadow; }
  void write_entry(GuestPhys entry, Pte value) override;
  void table_allocated(GuestPhys table, int level) override;
  void table_freed(GuestPhys table, int level) override;
  void write_cr3(int cpu, GuestPhys root, uint16_t pcid) override;
  void invlpg(int cpu, GuestVirt va) override;
  void flush_tlb(int cpu) override;
  void invpcid(int cpu, uint16_t pcid) override;
  FaultAction handle_fault(int cpu, GuestVirt va, AccessType type,
                           const WalkResult& walk) override;

 protected:
  MmuState translation_for(GuestPhys root) override;
  bool intercepts_tlb_control() const override { return true; }

  struct ShadowPage {
    GuestPhys guest_table;  // the guest table it shadows (none for a splintered large page)
    int level = 0;
    bool direct = false;    // maps part of a guest large page in smaller host pages
    std::optional<HostPhys> parent;  // the shadow entry that points at it (none for a root)
  };
  // Where a fill of `va` stops in the shadow and hands the walk to the guest's own table: the
  // level of that guest table and its address. None (plain shadow paging): down to the leaf.
  struct Handover {
    int level = 0;
    GuestPhys table;
  };
  virtual std::optional<Handover> handover(GuestPhys guest_root, GuestVirt va, int guest_leaf) {
    (void)guest_root, (void)va, (void)guest_leaf;
    return std::nullopt;
  }
  // A fill wrote `entry`, switching to the guest table `table`.
  virtual void handed_over(HostPhys entry, GuestPhys table) { (void)entry, (void)table; }

  // The shadow subtree at `page` of `level`, read from host memory.
  // A switching entry (agile paging) leads out of the shadow tree: the tree reads it as absent.
  auto shadow_tree(HostPhys page, int level) const {
    return table_cursor<Pte>(page, level, [this](HostPhys e) {
      const Pte p(mem_.read(e));
      return p.switches() ? Pte() : p;
    });
  }
  HostPhys new_shadow_page(GuestPhys guest_table, int level, bool direct,
                           std::optional<HostPhys> parent = std::nullopt);
  // Frees `page` and every shadow page below it.
  void free_shadow_tree(HostPhys page);
  // Forgets the shadow page `page` and gives its frame back.
  void release_shadow_page(HostPhys page);
  void zap(HostPhys page, unsigned index);
  HostPhys shadow_root_for(GuestPhys guest_root);
  // Fills the shadow path for `va` from the guest's tables; false if the guest itself faults.
  bool sync(GuestPhys guest_root, GuestVirt va, AccessType type);
  // The shadow table below `entry` (of a table at `level`), made if there is none.
  HostPhys shadow_child(const TableEntry<HostPhys, Pte>& entry, GuestPhys guest_table, bool direct);
  // The domain's backing of [start, start + bytes) changed (KVM: host munmap or migration):
  // drop every shadow leaf that maps the host frames it had.
  void host_invalidated(GuestPhys start, uint64_t bytes);

  // Unsync: brings every unsync table's shadows back in sync and write-protects it again.
  void resync_all();
  // Brings the shadow of `va`'s last-level guest entry under `cpu`'s root back in sync.
  void resync_address(int cpu, GuestVirt va);
  void resync_entry(HostPhys page, const ShadowPage& sp, unsigned index);
  // Whether shadow leaf `shadow` grants more than, or maps another frame than, guest `guest`.
  bool stale(Pte guest, Pte shadow) const;

  std::unordered_map<uint64_t, HostPhys> roots_;                   // guest root -> shadow root
  std::unordered_map<uint64_t, ShadowPage> pages_;                 // by shadow frame
  std::unordered_map<uint64_t, std::vector<HostPhys>> shadowed_;   // guest table -> shadow pages
  std::unordered_set<uint64_t> last_level_tables_;  // guest tables at level 1, may go unsync
  std::unordered_set<uint64_t> unsync_;             // of those, the ones writable now
};

}  // namespace memvirt
