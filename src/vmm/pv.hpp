#pragma once
// Paravirtual direct paging (Xen PV): the guest's tables hold machine (host-physical) frames and
// the hardware walks them directly, in one dimension. The guest cannot write its tables: each
// entry write becomes an mmu_update request that Xen validates (the frame named must belong to
// the domain) and applies. Requests are queued and sent `pv_batch` per hypercall; the queue goes
// out when full, at the end of a kernel operation and before any TLB control, which are
// themselves hypercalls (mmuext_op). Nothing here is a VM exit: a PV guest runs deprivileged,
// not in a hardware VM.
#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "memory/frame_table.hpp"
#include "vmm/hypervisor.hpp"

namespace memvirt {

struct PvStats {
  uint64_t mmu_update_calls = 0;  // hypercalls carrying queued page-table updates
  uint64_t mmuext_op_calls = 0;   // hypercalls for CR3 loads, INVLPG, TLB flushes, INVPCID
  uint64_t event_sends = 0;       // shootdown IPIs, sent as event-channel hypercalls
  uint64_t updates = 0;           // update requests Xen validated, refused ones included
  uint64_t fault_bounces = 0;     // guest page faults trapped by Xen and bounced to the guest
};

class Pv final : public Hypervisor {
 public:
  Pv(const HypervisorConfig& config, HostMemory& mem, std::vector<Mmu>& cpus, Domain& domain);

  PagingMode mode() const override { return PagingMode::kPv; }
  // The guest reads its tables with plain loads and translates the machine frames it finds back
  // to guest-physical ones (Xen's machine-to-phys table); a queued update reads as queued.
  Pte read_entry(GuestPhys entry) override;
  void write_entry(GuestPhys entry, Pte value) override;
  void commit() override { flush(); }
  void table_allocated(GuestPhys table, int level) override;
  void table_freed(GuestPhys table, int level) override;

  void write_cr3(int cpu, GuestPhys root, uint16_t pcid) override;
  void invlpg(int cpu, GuestVirt va) override;
  void flush_tlb(int cpu) override;
  void invpcid(int cpu, uint16_t pcid) override;
  void send_ipi(int from, int to) override;
  FaultAction handle_fault(int cpu, GuestVirt va, AccessType type,
                           const WalkResult& walk) override;

  // One mmu_update hypercall of one request whose new entry names a machine frame directly, as a
  // PV guest's really does (after the queue goes out). False, counted and the entry unchanged if
  // the frame is not this domain's.
  bool mmu_update(GuestPhys entry, uint64_t machine_entry);

  const PvStats& pv_stats() const { return pv_; }
  size_t queued() const { return queue_.size(); }

 protected:
  MmuState translation_for(GuestPhys root) override;

 private:
  struct Request {
    GuestPhys guest_entry;
    HostPhys entry;  // where Xen writes
    Pte value;       // machine format
  };

  // The guest's pfn -> mfn translation, backing the frame on first use.
  HostPhys machine_of(GuestPhys gpa);
  std::optional<GuestPhys> guest_of(HostPhys hpa) const;
  // `value` with its guest-physical frame replaced by the machine frame.
  Pte to_machine(GuestPhys entry, Pte value);
  // Xen's check of one request: it may only name frames the domain was given.
  bool allowed(Pte value) const;
  bool apply(const Request& r);
  // Sends the queue: one mmu_update hypercall, if anything is queued.
  void flush();
  // One mmuext_op hypercall; the queue goes first so that it acts on current tables.
  void mmuext_op();

  std::vector<Request> queue_;
  std::unordered_map<uint64_t, Pte> queued_;       // guest entry -> value queued, guest format
  std::unordered_map<uint64_t, int> table_level_;  // guest table -> its level (Xen's page type)
  // Machine frame -> guest frame, one table per backing size, indexed by machine frame number.
  // An entry is the guest frame's address with kM2pPresent set, so guest frame 0 reads as set.
  static constexpr uint64_t kM2pPresent = 1;
  std::array<FrameTable<uint64_t>, kPageSizeCount> m2p_;
  PvStats pv_;
};

}  // namespace memvirt
