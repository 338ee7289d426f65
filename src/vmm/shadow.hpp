#pragma once
// Shadow paging: the VMM keeps, per guest page-table root, its own gVA -> hPA tree and the
// hardware walks only that. Guest page-table pages are write-protected, so every guest entry
// write exits; the VMM emulates it and drops the shadow entries derived from it. Shadow entries
// are filled lazily, on the hidden faults the hardware raises where they are missing.
#include <unordered_map>
#include <vector>

#include "vmm/hypervisor.hpp"

namespace memvirt {

class Shadow final : public Hypervisor {
 public:
  Shadow(const HypervisorConfig& config, HostMemory& mem, std::vector<Mmu>& cpus,
         Domain& domain);

  PagingMode mode() const override { return PagingMode::kShadow; }
  void write_entry(GuestPhys entry, Pte value) override;
  void table_freed(GuestPhys table, int level) override;
  FaultAction handle_fault(int cpu, GuestVirt va, AccessType type,
                           const WalkResult& walk) override;

 protected:
  MmuState translation_for(GuestPhys root) override;
  bool intercepts_tlb_control() const override { return true; }

 private:
  struct ShadowPage {
    GuestPhys guest_table;  // the guest table it shadows (none for a splintered large page)
    int level = 0;
    bool direct = false;    // maps part of a guest large page in smaller host pages
  };

  HostPhys new_shadow_page(GuestPhys guest_table, int level, bool direct);
  void free_shadow_tree(HostPhys page);
  void zap(HostPhys page, unsigned index);
  HostPhys shadow_root_for(GuestPhys guest_root);
  // Fills the shadow path for `va` from the guest's tables; false if the guest itself faults.
  bool sync(GuestPhys guest_root, GuestVirt va, AccessType type);
  HostPhys shadow_child(HostPhys entry, GuestPhys guest_table, int level, bool direct);


  std::unordered_map<uint64_t, HostPhys> roots_;                   // guest root -> shadow root
  std::unordered_map<uint64_t, ShadowPage> pages_;                 // by shadow frame
  std::unordered_map<uint64_t, std::vector<HostPhys>> shadowed_;   // guest table -> shadow pages
};

}  // namespace memvirt
