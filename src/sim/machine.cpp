#include "sim/machine.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace memvirt {
namespace {

// A fault handled correctly never needs more rounds than this (guest fault, EPT violations on
// the guest's new tables and data, shadow fill, dirty-bit fault).
constexpr int kMaxFaultRounds = 16;

AccessType access_type(EventKind k) {
  switch (k) {
    case EventKind::kWrite: return AccessType::kWrite;
    case EventKind::kExecute: return AccessType::kExecute;
    default: return AccessType::kRead;
  }
}

}  // namespace

Machine::Machine(const SimConfig& config)
    : config_(config), mem_(HostMemoryConfig{config.host_memory}), mmu_(mem_, config.tlb) {
  if (config.mode == PagingMode::kNative && config.guest_memory > config.host_memory)
    throw std::invalid_argument("native mode: guest memory exceeds host memory");
  hyp_ = make_hypervisor(HypervisorConfig{config.mode, config.levels, config.nested_levels,
                                          config.nested_page, 1},
                         mem_, mmu_);
  kernel_ = std::make_unique<Kernel>(KernelConfig{config.levels, config.guest_memory}, *hyp_);
  kernel_->create_process(0);
  kernel_->switch_to(0);
}

AccessOutcome Machine::access(uint32_t pid, GuestVirt va, AccessType type) {
  ++accesses_;
  if (!kernel_->running() || kernel_->current() != pid) kernel_->switch_to(pid);
  WalkResult fault;
  for (int round = 0; round < kMaxFaultRounds; ++round) {
    HostPhys hpa;
    if (mmu_.translate(va, type, hpa, fault)) return {true, hpa};
    if (hyp_->handle_fault(va, type, fault) == FaultAction::kRetry) continue;
    if (kernel_->handle_page_fault(pid, va, type) == FaultResult::kSegfault) {
      ++segfaults_;
      return {false, HostPhys()};
    }
  }
  throw std::logic_error(fmt::format("{} mode: access to {:#x} still faults after {} rounds",
                                     paging_mode_name(config_.mode), va.raw(), kMaxFaultRounds));
}

void Machine::apply(const Event& e) {
  switch (e.kind) {
    case EventKind::kRead:
    case EventKind::kWrite:
    case EventKind::kExecute: access(e.pid, e.addr, access_type(e.kind)); return;
    case EventKind::kMmap: kernel_->mmap(e.pid, e.addr, e.length, e.prot, e.page, e.region); return;
    case EventKind::kMunmap: kernel_->munmap(e.pid, e.addr, e.length); return;
    case EventKind::kMprotect: kernel_->mprotect(e.pid, e.addr, e.length, e.prot); return;
    case EventKind::kSwitch: kernel_->switch_to(e.pid); return;
    case EventKind::kFork: kernel_->fork(e.pid, e.child); return;
    case EventKind::kExit: kernel_->exit(e.pid); return;
    case EventKind::kExec: kernel_->exec(e.pid); return;
    case EventKind::kVmSwitch: return;  // one VM: nothing to switch
  }
}

RunResult Machine::result() const {
  RunResult r;
  r.config = config_;
  r.accesses = accesses_;
  r.segfaults = segfaults_;
  const MmuStats& m = mmu_.stats();
  r.tlb_hits = m.tlb_hits;
  r.tlb_misses = m.tlb_misses;
  r.walks = m.walks;
  r.guest_refs = m.guest_refs;
  r.nested_refs = m.nested_refs;
  r.walk_refs = m.guest_refs + m.nested_refs;
  r.guest_page_faults = kernel_->stats().page_faults;
  r.guest_pt_writes = kernel_->stats().pte_writes;
  r.shadow_faults = hyp_->stats().shadow_faults;
  r.vm_exits = hyp_->exits();
  r.guest_pt_bytes = kernel_->table_bytes();
  r.shadow_pt_bytes = mem_.bytes_in_use(FrameRole::kShadowPageTable);
  r.nested_pt_bytes = mem_.bytes_in_use(FrameRole::kNestedPageTable);
  r.p2m_bytes = mem_.bytes_in_use(FrameRole::kP2m);
  return r;
}

}  // namespace memvirt
