#pragma once
// Flat nested paging (Ahn, Jin and Huh, ISCA 2012): hardware-assisted paging as under EPT/NPT,
// but the nested dimension is one flat table indexed by guest frame number, so each nested
// translation is one reference and a 4-level guest walk makes 9 references instead of 24. The
// VMM fills an entry where the hardware finds none (an EPT violation) from the domain's backing,
// and drops entries whose backing the domain changed. A translation is at most 4 KiB: the table
// has one entry per 4 KiB guest frame.
#include "mmu/flat_table.hpp"
#include "vmm/hypervisor.hpp"

namespace memvirt {

class FlatNested final : public Hypervisor {
 public:
  FlatNested(const HypervisorConfig& config, HostMemory& mem, std::vector<Mmu>& cpus,
             Domain& domain);
  ~FlatNested() override;
  FlatNested(const FlatNested&) = delete;
  FlatNested& operator=(const FlatNested&) = delete;

  PagingMode mode() const override { return PagingMode::kFlatNested; }
  void write_entry(GuestPhys entry, Pte value) override;
  FaultAction handle_fault(int cpu, GuestVirt va, AccessType type,
                           const WalkResult& walk) override;
  const FlatTable& table() const { return table_; }

 protected:
  MmuState translation_for(GuestPhys root) override;

 private:
  // Where `gpa` is, the table's entry made first (after an exit) if it has none.
  HostPhys backed(GuestPhys gpa);
  // Backs `gpa` in the domain and writes its frame's entry; returns where `gpa` is.
  HostPhys fill(GuestPhys gpa);
  // The entry of `gpa`'s frame, its 2 MiB chunk made if missing.
  HostPhys entry_for(GuestPhys gpa);
  // The domain's backing of [start, start + bytes) changed: drop those entries and every
  // translation this VM's vCPUs derived from the table.
  void host_invalidated(GuestPhys start, uint64_t bytes);

  FlatTable table_;
};

}  // namespace memvirt
