#pragma once
// One simulated machine wired from a SimConfig: host memory, one MMU per physical CPU, and one
// or more VMs, each a hypervisor policy with a guest kernel on top.
#include <memory>
#include <vector>

#include "memory/host_memory.hpp"
#include "mmu/mmu.hpp"
#include "os/kernel.hpp"
#include "sim/result.hpp"
#include "sim/sim_config.hpp"
#include "vmm/hypervisor.hpp"
#include "workload/event.hpp"

namespace memvirt {

struct AccessOutcome {
  bool ok = false;  // false: the guest kernel refused it (a segfault)
  HostPhys hpa;
};

class Machine {
 public:
  explicit Machine(const SimConfig& config);
  // Retires the host memory first: the components then go without handing frames back.
  ~Machine();
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;

  // Translates one access by `pid` of the running VM on the current CPU, resolving every fault
  // on the way, as the CPU, the hypervisor and the guest kernel would together.
  AccessOutcome access(uint32_t pid, GuestVirt va, AccessType type);
  // Applies one workload event to the running VM, on the current CPU.
  void apply(const Event& event);
  // The CPU that runs the following events.
  void set_cpu(int cpu);
  // Gives the CPUs to VM `vm` (0-based among the workload VMs).
  void switch_vm(uint32_t vm);

  // Totals over every VM.
  RunResult result() const;

  const SimConfig& config() const { return config_; }
  HostMemory& memory() { return mem_; }
  Mmu& mmu() { return cpus_[static_cast<size_t>(cpu_)]; }
  Mmu& mmu(int cpu) { return cpus_[static_cast<size_t>(cpu)]; }
  Hypervisor& hypervisor() { return *guests_[active_].hyp; }
  Kernel& kernel() { return *guests_[active_].kernel; }
  // Every VM, privileged ones (Xen's Dom0) included: workload VM i is guest(first_workload_vm()+i).
  size_t guest_count() const { return guests_.size(); }
  Hypervisor& hypervisor(size_t guest) { return *guests_[guest].hyp; }
  Kernel& kernel(size_t guest) { return *guests_[guest].kernel; }
  size_t first_workload_vm() const { return first_workload_; }
  VmmHost* vmm_host() { return host_.get(); }

 private:
  AccessOutcome resolve(uint32_t pid, GuestVirt va, AccessType type);

  // VMM counters already charged to a ledger.
  struct VmmWork {
    uint64_t exits = 0;
    uint64_t hypercalls = 0;
    uint64_t shadow_faults = 0;
    uint64_t shadow_syncs = 0;
  };
  struct Guest {
    std::unique_ptr<Domain> domain;
    std::unique_ptr<Hypervisor> hyp;
    std::unique_ptr<Kernel> kernel;
    VmmWork charged;
  };
  void add_guest(uint16_t vm_number);
  void apply_event(const Event& event);
  void charge_vmm_work();

  SimConfig config_;
  HostMemory mem_;
  std::vector<Mmu> cpus_;
  std::unique_ptr<VmmHost> host_;
  std::vector<Guest> guests_;
  size_t first_workload_ = 0;
  size_t active_ = 0;
  int cpu_ = 0;
  uint64_t accesses_ = 0;
  uint64_t segfaults_ = 0;
};

}  // namespace memvirt
