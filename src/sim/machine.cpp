#include "sim/machine.hpp"

#include <fmt/format.h>

#include <optional>
#include <stdexcept>

#include "sim/footprint.hpp"
#include "vmm/paging_modes.hpp"

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

void check_sim_config(const SimConfig& c) {
  if (c.vms < 1 || c.vms > 64) throw std::invalid_argument("VMs must be 1 to 64");
  if (c.vcpus < 1 || c.vcpus > 64) throw std::invalid_argument("vCPUs must be 1 to 64");
  if (c.pv_batch < 1) throw std::invalid_argument("the PV batch must be at least 1");
  const PagingModeSpec& mode = paging_mode_spec(c.mode);
  if (mode.check)
    mode.check(ModeRequest{c.vms, c.guest_memory, c.host_memory, c.model, c.page, c.nested_page});
}

Machine::~Machine() { mem_.retire(); }

Machine::Machine(const SimConfig& config) : config_(config), mem_(HostMemoryConfig{config.host_memory}) {
  check_sim_config(config);
  cpus_.reserve(static_cast<size_t>(config.vcpus));
  // Frame placement is the machine's, not the CPU's: it reaches the caches through a copy.
  std::optional<CpuModel> cpu;
  if (config.cpu) {
    cpu = *config.cpu;
    cpu->caches.scattered_frames = config.frames == FramePlacement::kScattered;
    cpu->caches.placement_seed = config.seed;
  }
  for (int i = 0; i < config.vcpus; ++i) cpus_.emplace_back(mem_, config.tlb, cpu ? &*cpu : nullptr);
  if (!paging_mode_spec(config.mode).runs_vms) {
    add_guest(0);
  } else {
    host_ = make_vmm_host(VmmHostConfig{config.model, config.mode, config.nested_page,
                                        config.nested_levels, config.guest_memory},
                          mem_);
    first_workload_ = static_cast<size_t>(host_->privileged_guests());
    const int guests = host_->privileged_guests() + config.vms;
    for (int vm = 0; vm < guests; ++vm) add_guest(static_cast<uint16_t>(vm + 1));
  }
  switch_vm(0);
}

void Machine::add_guest(uint16_t vm_number) {
  const HypervisorConfig hc{config_.mode,        config_.levels, config_.nested_levels,
                            config_.nested_page, vm_number,      TagPolicy{config_.tlb_tag},
                            config_.pv_batch,    config_.shadow_unsync,
                            config_.agile_writes, config_.agile_interval};
  Guest g;
  if (host_) g.domain = host_->create_domain(vm_number);
  g.hyp = make_hypervisor(hc, mem_, cpus_, g.domain.get());
  const KernelConfig kc{config_.levels, config_.guest_memory, config_.vcpus,
                        TagPolicy{config_.tlb_tag}.tags_processes()};
  g.kernel = std::make_unique<Kernel>(kc, *g.hyp);
  active_ = guests_.size();
  guests_.push_back(std::move(g));
  // Process 0 starts running on every vCPU.
  for (int cpu = 0; cpu < config_.vcpus; ++cpu) {
    guests_.back().kernel->on_cpu(cpu);
    if (cpu == 0) guests_.back().kernel->create_process(0);
    guests_.back().kernel->switch_to(0);
  }
  guests_.back().kernel->on_cpu(0);
}

void Machine::set_cpu(int cpu) {
  if (cpu < 0 || cpu >= config_.vcpus)
    throw std::invalid_argument(fmt::format("no CPU {} (the machine has {})", cpu, config_.vcpus));
  cpu_ = cpu;
  kernel().on_cpu(cpu);
}

void Machine::switch_vm(uint32_t vm) {
  const size_t g = first_workload_ + vm;
  if (g >= guests_.size())
    throw KernelError(fmt::format("no VM {} (the run has {})", vm, guests_.size() - first_workload_));
  active_ = g;
  guests_[g].kernel->on_cpu(cpu_);
  guests_[g].hyp->activate();
}

AccessOutcome Machine::access(uint32_t pid, GuestVirt va, AccessType type) {
  ++accesses_;
  Kernel& k = kernel();
  if (!k.running() || k.current() != pid) k.switch_to(pid);
  Mmu& mmu = cpus_[static_cast<size_t>(cpu_)];
  // The TLB hit: no fault to resolve, no VMM work to charge.
  if (HostPhys hpa; mmu.translate_hit(va, type, hpa)) {
    mmu.load_data(hpa);
    return {true, hpa};
  }
  return resolve(pid, va, type);
}

// A TLB miss: walk, and let the hypervisor and the guest kernel handle what faults until the
// access translates or the guest kernel refuses it.
AccessOutcome Machine::resolve(uint32_t pid, GuestVirt va, AccessType type) {
  hypervisor().tick(accesses_);
  Kernel& k = kernel();
  Hypervisor& hyp = hypervisor();
  Mmu& mmu = cpus_[static_cast<size_t>(cpu_)];
  WalkResult fault;
  for (int round = 0; round < kMaxFaultRounds; ++round) {
    HostPhys hpa;
    // The first round's TLB lookup was access()'s.
    if (round == 0 ? mmu.translate_miss(va, type, hpa, fault)
                   : mmu.retranslate(va, type, hpa, fault)) {
      mmu.load_data(hpa);
      if (mmu.timing()) charge_vmm_work();
      return {true, hpa};
    }
    if (hyp.handle_fault(cpu_, va, type, fault) == FaultAction::kRetry) continue;
    // The guest kernel's handler runs on this CPU.
    if (CpuTiming* t = mmu.timing()) t->charge(CostEvent::kGuestPageFault);
    if (k.handle_page_fault(pid, va, type) == FaultResult::kSegfault) {
      ++segfaults_;
      return {false, HostPhys()};
    }
  }
  throw std::logic_error(fmt::format("{} mode: access to {:#x} still faults after {} rounds",
                                     paging_mode_name(config_.mode), va.raw(), kMaxFaultRounds));
}

void Machine::apply(const Event& e) {
  apply_event(e);
  if (mmu().timing()) charge_vmm_work();
}

void Machine::apply_event(const Event& e) {
  Kernel& k = kernel();
  switch (e.kind) {
    case EventKind::kRead:
    case EventKind::kWrite:
    case EventKind::kExecute: access(e.pid, e.addr, access_type(e.kind)); return;
    case EventKind::kMmap: k.mmap(e.pid, e.addr, e.length, e.prot, e.page, e.region); return;
    case EventKind::kMunmap: k.munmap(e.pid, e.addr, e.length); return;
    case EventKind::kMprotect: k.mprotect(e.pid, e.addr, e.length, e.prot); return;
    case EventKind::kSwitch: k.switch_to(e.pid); return;
    case EventKind::kFork: k.fork(e.pid, e.child); return;
    case EventKind::kExit: k.exit(e.pid); return;
    case EventKind::kExec: k.exec(e.pid); return;
    case EventKind::kVmSwitch: switch_vm(e.child); return;
  }
}

// The VMM's counted work (VM exits, hypercalls, shadow faults and syncs) is charged to the CPU
// that ran the event when its counters move: the counters live in the policies (some exits are
// counted where no CPU is at hand), the ledger in the CPU. Every VM is looked at, so that work
// done for a VM that is not running (Xen's Dom0 at boot) is charged too.
void Machine::charge_vmm_work() {
  CpuTiming* t = mmu().timing();
  if (!t) return;
  for (Guest& g : guests_) {
    const HypervisorStats& h = g.hyp->stats();
    const uint64_t exits = g.hyp->exits().total();
    VmmWork& seen = g.charged;
    t->charge(CostEvent::kVmExit, exits - seen.exits);
    t->charge(CostEvent::kHypercall, h.hypercalls - seen.hypercalls);
    t->charge(CostEvent::kShadowFault, h.shadow_faults - seen.shadow_faults);
    t->charge(CostEvent::kShadowSync, h.shadow_syncs - seen.shadow_syncs);
    seen = {exits, h.hypercalls, h.shadow_faults, h.shadow_syncs};
  }
}

}  // namespace memvirt
