#pragma once
// The guest kernel's memory manager: processes with their own IA-32e page tables, mmap /
// munmap / mprotect, demand paging, fork with copy-on-write, context switch and exit. It keeps
// its tables in (guest-)physical memory and changes them only through the PagingPort.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "arch/address.hpp"
#include "arch/counter_list.hpp"
#include "arch/page_size.hpp"
#include "arch/paging.hpp"
#include "arch/table_cursor.hpp"
#include "mmu/access.hpp"
#include "os/frame_source.hpp"
#include "os/paging_port.hpp"
#include "os/vma.hpp"

namespace memvirt {

// A request the kernel refuses (overlapping mmap, unknown pid, misaligned range, ...): the
// workload's or trace's mistake, not ours.
class KernelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct KernelConfig {
  int levels = 4;                                // 4 or 5 (LA57)
  uint64_t physical_bytes = uint64_t{256} << 30;  // the kernel's physical memory
  int cpus = 1;                                  // (v)CPUs, at most 64
  bool pcid = false;  // tag processes with PCIDs: their translations outlive a switch
};

struct KernelStats {
  uint64_t page_faults = 0;     // #PF handled
  uint64_t demand_faults = 0;   // resolved by allocating a frame
  uint64_t cow_faults = 0;      // resolved by copy-on-write
  uint64_t segfaults = 0;       // not resolvable: the access is refused
  uint64_t pte_writes = 0;      // every entry written through the port
  uint64_t table_pages = 0;     // page-table pages held now
  uint64_t peak_table_pages = 0;
  uint64_t data_bytes = 0;      // data frames held now
  uint64_t shootdown_ipis = 0;  // IPIs sent to flush another CPU's TLB
};

constexpr auto counter_list(const KernelStats*) {
  using C = Counter<KernelStats>;
  constexpr auto k = CounterKind::kCount;
  constexpr auto held = CounterKind::kLevel;
  return std::array{
      C{"page_faults", k, "faults", "page faults the guest kernel handled", &KernelStats::page_faults},
      C{"demand_faults", k, "faults", "of them, resolved by allocating a frame",
        &KernelStats::demand_faults},
      C{"cow_faults", k, "faults", "of them, resolved by copy-on-write", &KernelStats::cow_faults},
      C{"segfaults", k, "faults", "not resolvable: the access is refused", &KernelStats::segfaults},
      C{"pte_writes", k, "entries", "page-table entries written through the VMM's port",
        &KernelStats::pte_writes},
      C{"table_pages", held, "pages", "page-table pages held at the end", &KernelStats::table_pages},
      C{"peak_table_pages", held, "pages", "most page-table pages held at once",
        &KernelStats::peak_table_pages},
      C{"data_bytes", held, "bytes", "data frames held at the end", &KernelStats::data_bytes},
      C{"shootdown_ipis", k, "IPIs", "IPIs sent to flush another CPU's TLB",
        &KernelStats::shootdown_ipis},
  };
}

enum class FaultResult : uint8_t { kResolved, kSegfault };

// How a process's own tables map an address, read in software (no accessed/dirty updates).
struct GuestMapping {
  GuestPhys gpa;
  PageSize size = PageSize::k4K;
  Permissions perm;
};

struct Process {
  uint32_t pid = 0;
  uint16_t pcid = 0;
  GuestPhys root;
  std::map<uint64_t, Vma> vmas;  // by start address
  uint64_t ran_on = 0;           // CPUs that may cache its translations under its PCID
};

class Kernel {
 public:
  // Called before the kernel changes or drops a present translation of [start, start + length)
  // in process `pid` (Linux's MMU notifier): whoever derived state from it (KVM's EPT and
  // shadow entries) drops that first, while the old translation can still be read.
  using InvalidateHook = std::function<void(uint32_t pid, GuestVirt start, uint64_t length)>;

  // `frames` (default: the kernel's own [0, physical_bytes)) is where its frames come from.
  Kernel(KernelConfig config, PagingPort& port, FrameSource* frames = nullptr);

  void create_process(uint32_t pid);
  // `shm` != 0 maps shared-memory object `shm`: every process mapping it sees the same frames.
  void mmap(uint32_t pid, GuestVirt start, uint64_t length, uint8_t prot, PageSize page,
            uint32_t shm = 0);
  void munmap(uint32_t pid, GuestVirt start, uint64_t length);
  void mprotect(uint32_t pid, GuestVirt start, uint64_t length, uint8_t prot);
  void fork(uint32_t parent, uint32_t child);
  void exit(uint32_t pid);
  // Replaces pid's address space with a new, empty one.
  void exec(uint32_t pid);
  // The CPU the following operations execute on.
  void on_cpu(int cpu);
  int cpu() const { return cpu_; }
  int cpus() const { return config_.cpus; }
  void switch_to(uint32_t pid);
  FaultResult handle_page_fault(uint32_t pid, GuestVirt va, AccessType type);
  // Moves the private page mapping `va` to a new frame (NUMA balancing, compaction); returns it.
  GuestPhys migrate(uint32_t pid, GuestVirt va);
  void on_invalidate(InvalidateHook hook) { invalidate_hook_ = std::move(hook); }

  std::optional<GuestMapping> lookup(uint32_t pid, GuestVirt va);

  bool has_process(uint32_t pid) const { return procs_.count(pid) != 0; }
  const Process& process(uint32_t pid) const;
  // The process running on the current CPU, if any.
  uint32_t current() const { return *running_on_[static_cast<size_t>(cpu_)]; }
  bool running() const { return running_on_[static_cast<size_t>(cpu_)].has_value(); }
  int levels() const { return config_.levels; }
  const KernelStats& stats() const { return stats_; }
  uint64_t table_bytes() const { return stats_.table_pages * kTableBytes; }

 private:
  struct Leaf {
    GuestPhys entry;  // address of the leaf entry
    Pte pte;
    int level;
  };

  Process& proc(uint32_t pid);
  const Vma* find_vma(const Process& p, GuestVirt va) const;
  void check_range(const Process& p, GuestVirt start, uint64_t length, const char* op) const;
  void split_at(Process& p, GuestVirt at);

  GuestPhys allocate_table(int level);
  void free_table(GuestPhys table, int level);
  void write(GuestPhys entry, Pte value);
  // Entry of `va` at `level`, allocating missing tables above it.
  GuestPhys ensure_entry(const Process& p, GuestVirt va, int level);
  // Present leaf mapping `va`, if any.
  bool find_leaf(const Process& p, GuestVirt va, Leaf& out);
  Pte make_leaf(const Vma& vma, GuestPhys frame, bool writable) const;

  FaultResult resolve_fault(uint32_t pid, GuestVirt va, AccessType type);
  void map_fresh(Process& p, const Vma& vma, GuestVirt va, bool dirty);
  GuestPhys shared_frame(const Vma& vma, GuestVirt va);
  void add_ref(GuestPhys frame) { ++shared_frames_.try_emplace(frame.raw(), 1u).first->second; }
  void drop_vma(const Vma& vma);
  void teardown(Process& p);
  void copy_on_write(Process& p, const Vma& vma, const Leaf& leaf, GuestVirt va);
  void unmap_leaf(const Leaf& leaf);
  void notify_invalidate(const Process& p, GuestVirt va, int level) {
    if (invalidate_hook_) invalidate_hook_(p.pid, va, level_span(level));
  }
  // The process's tree, read through the port.
  auto tables(const Process& p) {
    return table_cursor<Pte>(p.root, config_.levels,
                             [this](GuestPhys e) { return port_.read_entry(e); });
  }
  // Calls fn(leaf, va) for every present leaf overlapping [start, end).
  template <typename Fn>
  void for_each_leaf(const Process& p, GuestVirt start, GuestVirt end, Fn&& fn) {
    tables(p).visit(
        start.raw(), end.raw(),
        [&](const auto& e, uint64_t base) { fn(Leaf{e.at, e.value, e.level}, GuestVirt(base)); },
        [](const auto&, uint64_t) {});
  }
  // Frees every table left empty in [start, end) (the root stays).
  void prune_tables(Process& p, GuestVirt start, GuestVirt end);
  // After p's translations of `pages` changed: INVLPG each (one flush past a ceiling) on every
  // CPU that may cache them, with an IPI to each CPU but this one.
  void invalidate_pages(Process& p, const std::vector<GuestVirt>& pages);
  void invalidate_all(Process& p);
  template <typename Flush>
  void shootdown(Process& p, Flush&& flush_running);
  void stop_running(uint32_t pid);
  void copy_tree(const Process& parent, Process& child);
  void release_frame(GuestPhys frame, PageSize size);
  bool is_current(const Process& p) const {
    return running_on_[static_cast<size_t>(cpu_)] == p.pid;
  }

  KernelConfig config_;
  PagingPort& port_;
  std::unique_ptr<FrameSource> own_frames_;  // when no source is given
  FrameSource& frames_;
  InvalidateHook invalidate_hook_;
  std::map<uint32_t, Process> procs_;
  // Present entries per table page, so that empty tables can be freed.
  std::unordered_map<uint64_t, uint16_t> table_use_;
  // References to data frames shared after fork or through shared memory; absent means one.
  std::unordered_map<uint64_t, uint32_t> shared_frames_;
  struct SharedObject {
    PageSize page = PageSize::k4K;
    uint32_t vmas = 0;  // mappings of it, in every process
    std::unordered_map<uint64_t, GuestPhys> frames;  // by page index; each holds one reference
  };
  std::unordered_map<uint32_t, SharedObject> shared_objects_;
  std::vector<std::optional<uint32_t>> running_on_;  // per CPU
  int cpu_ = 0;
  KernelStats stats_;
};

}  // namespace memvirt
