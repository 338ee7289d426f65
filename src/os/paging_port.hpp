#pragma once
// The one port through which the guest kernel touches paging state: every page-table entry
// write, every new or freed table page, every CR3 write, TLB invalidation and shootdown IPI. The
// hypervisor policy implements it, and this is where "every guest page-table change calls the
// VMM" lives. `cpu` is the (v)CPU that executes the instruction.
#include <cstdint>

#include "arch/address.hpp"
#include "arch/pte.hpp"

namespace memvirt {

class PagingPort {
 public:
  virtual ~PagingPort() = default;

  // The kernel reads its own tables with ordinary loads: never a trap.
  virtual Pte read_entry(GuestPhys entry) = 0;
  // Every page-table entry write.
  virtual void write_entry(GuestPhys entry, Pte value) = 0;
  // The end of one kernel operation (a fault handled, a system call): writes the port may
  // have batched must be visible to the hardware from here on.
  virtual void commit() {}
  // A guest-physical frame becomes a page table at `level` (zeroed), or stops being one.
  virtual void table_allocated(GuestPhys table, int level) = 0;
  virtual void table_freed(GuestPhys table, int level) = 0;
  // MOV to CR3: run the address space rooted at `root`, tagged `pcid`.
  virtual void write_cr3(int cpu, GuestPhys root, uint16_t pcid) = 0;
  // INVLPG of one address in the current address space.
  virtual void invlpg(int cpu, GuestVirt va) = 0;
  // Drop every non-global translation of the current address space (CR3 reload).
  virtual void flush_tlb(int cpu) = 0;
  // INVPCID single-context: drop the translations cached for process `pcid`.
  virtual void invpcid(int cpu, uint16_t pcid) = 0;
  // An inter-processor interrupt asking `to` to flush (a TLB shootdown).
  virtual void send_ipi(int from, int to) = 0;
};

}  // namespace memvirt
