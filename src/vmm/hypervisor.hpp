#pragma once
// A hypervisor policy: how one VM's memory is virtualized (none, shadow, nested, ...). It is the
// port the guest kernel changes paging state through, it points the MMUs of the VM's vCPUs at
// the tables the hardware must walk, and it handles the faults they raise.
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "arch/address.hpp"
#include "arch/counter_list.hpp"
#include "memory/host_memory.hpp"
#include "mmu/mmu.hpp"
#include "mmu/walk_result.hpp"
#include "os/paging_port.hpp"
#include "vmm/domain.hpp"
#include "vmm/tlb_tagging.hpp"
#include "vmm/vm_exit.hpp"

namespace memvirt {

enum class PagingMode : uint8_t { kNative, kShadow, kPv, kNested, kFlatNested, kAgile };

// The names and the factory read the registry (vmm/paging_modes.hpp).
std::string_view paging_mode_name(PagingMode m);
std::optional<PagingMode> parse_paging_mode(std::string_view text);

// What becomes of a translation fault.
enum class FaultAction : uint8_t {
  kRetry,       // the VMM fixed its own tables; the access runs again
  kGuestFault,  // a page fault for the guest kernel to handle
};

struct HypervisorStats {
  uint64_t shadow_faults = 0;
  uint64_t shadow_zaps = 0;     // shadow entries dropped because a guest entry changed
  uint64_t shadow_pages = 0;    // shadow table pages held now
  uint64_t shadow_roots = 0;    // shadow trees held now (one per guest root)
  uint64_t shadow_syncs = 0;    // resyncs of out-of-sync shadows: a whole page at a CR3 write or
                                // TLB flush, one entry at an INVLPG
  uint64_t shadow_sync_entries = 0;  // guest entries compared with their shadows to do so
  uint64_t hypercalls = 0;      // paravirtual calls into the VMM
  uint64_t refused_foreign_maps = 0;  // guest mappings of frames the VM does not own
};

constexpr auto counter_list(const HypervisorStats*) {
  using C = Counter<HypervisorStats>;
  constexpr auto k = CounterKind::kCount;
  constexpr auto held = CounterKind::kLevel;
  return std::array{
      C{"shadow_faults", k, "faults", "faults the VMM fixed in its shadow tables",
        &HypervisorStats::shadow_faults},
      C{"shadow_zaps", k, "entries", "shadow entries dropped because a guest entry changed",
        &HypervisorStats::shadow_zaps},
      C{"shadow_pages", held, "pages", "shadow table pages held at the end",
        &HypervisorStats::shadow_pages},
      C{"shadow_roots", held, "trees", "shadow trees held at the end (one per guest root)",
        &HypervisorStats::shadow_roots},
      C{"shadow_syncs", k, "resyncs",
        "out-of-sync shadows brought back: a page at a CR3 write or flush, an entry at an INVLPG",
        &HypervisorStats::shadow_syncs},
      C{"shadow_sync_entries", k, "entries", "guest entries compared with their shadows to do so",
        &HypervisorStats::shadow_sync_entries},
      C{"hypercalls", k, "calls", "paravirtual calls into the VMM", &HypervisorStats::hypercalls},
      C{"refused_foreign_maps", k, "entries", "guest mappings of frames the VM does not own",
        &HypervisorStats::refused_foreign_maps},
  };
}

struct HypervisorConfig {
  PagingMode mode = PagingMode::kNative;
  int levels = 4;                        // guest paging levels
  int nested_levels = 4;                 // EPT levels
  PageSize nested_page = PageSize::k4K;  // host frames behind guest memory
  uint16_t vm = 1;                       // the VM's number, its ASID/VPID; 0 is the host
  TagPolicy tags;
  uint32_t pv_batch = 1;                 // page-table updates per mmu_update hypercall (pv)
  bool shadow_unsync = false;  // leaf shadow pages may go out of sync (KVM's unsync, shadow)
  // Agile paging: a guest table written more than this many times in an interval goes nested;
  // the interval, in the machine's accesses.
  uint32_t agile_writes = 2;
  uint64_t agile_interval = 100'000;
};

class Hypervisor : public PagingPort {
 public:
  // `cpus` are the physical CPUs' MMUs; vCPU i of this VM runs on CPU i. `domain` is the VM's
  // guest-physical memory (none without a VMM).
  Hypervisor(const HypervisorConfig& config, std::vector<Mmu>& cpus, HostMemory& mem,
             Domain* domain);

  virtual PagingMode mode() const = 0;
  virtual FaultAction handle_fault(int cpu, GuestVirt va, AccessType type,
                                   const WalkResult& walk) = 0;
  // Host-physical address behind a guest-physical one (identity without a VMM), if backed.
  virtual std::optional<HostPhys> host_of(GuestPhys gpa) const { return domain_->lookup(gpa); }
  // Guest-physical memory, where there is a VMM.
  Domain* domain() const { return domain_; }

  // The guest reads its own tables with plain loads; a new table page is zeroed by the guest
  // before it becomes a table, so neither involves the VMM.
  Pte read_entry(GuestPhys entry) override;
  void table_allocated(GuestPhys table, int level) override;
  void table_freed(GuestPhys, int) override {}

  void write_cr3(int cpu, GuestPhys root, uint16_t pcid) override;
  void invlpg(int cpu, GuestVirt va) override;
  void flush_tlb(int cpu) override;
  void invpcid(int cpu, uint16_t pcid) override;
  void send_ipi(int from, int to) override;
  // The VMM's timer: the machine's access count, given on every TLB miss (a policy that changes
  // how walks go only matters where the TLB misses).
  virtual void tick(uint64_t accesses) { (void)accesses; }

  // This VM's vCPUs take the physical CPUs: load their state and drop what the tags cannot
  // tell apart from the VM that ran before.
  void activate();

  const VmExitStats& exits() const { return exits_; }
  const HypervisorStats& stats() const { return stats_; }
  const HypervisorConfig& config() const { return config_; }

 protected:
  // Where the hardware walks while the guest runs the address space rooted at `root`.
  virtual MmuState translation_for(GuestPhys root) = 0;
  // Drops every translation this VM's vCPUs hold (INVEPT or INVVPID, single context).
  void invalidate_vm();
  // Shadow paging intercepts CR3 writes, INVLPG and INVPCID; hardware-assisted paging does not.
  virtual bool intercepts_tlb_control() const { return false; }
  // A VM exit (and the entry after it): counted, and without tags the TLB does not survive it.
  void vm_exit(ExitReason reason, int cpu);
  Tlb& tlb(int cpu) { return cpus_[static_cast<size_t>(cpu)].tlb(); }
  TlbTag tag(int cpu) const { return vcpu_state_[static_cast<size_t>(cpu)].tag; }

  HypervisorConfig config_;
  std::vector<Mmu>& cpus_;
  HostMemory& mem_;
  Domain* domain_;
  std::vector<MmuState> vcpu_state_;  // per vCPU, reloaded on activate()
  VmExitStats exits_;
  HypervisorStats stats_;
};

std::unique_ptr<Hypervisor> make_hypervisor(const HypervisorConfig& config, HostMemory& mem,
                                            std::vector<Mmu>& cpus, Domain* domain);

}  // namespace memvirt
