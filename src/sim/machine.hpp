#pragma once
// One simulated machine wired from a SimConfig: host memory, the MMU, a hypervisor policy and
// the guest kernel on top of it.
#include <memory>

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

  // Translates one access by `pid`, resolving every fault on the way, as the CPU, the
  // hypervisor and the guest kernel would together.
  AccessOutcome access(uint32_t pid, GuestVirt va, AccessType type);
  // Applies one workload event.
  void apply(const Event& event);

  RunResult result() const;

  const SimConfig& config() const { return config_; }
  HostMemory& memory() { return mem_; }
  Mmu& mmu() { return mmu_; }
  Hypervisor& hypervisor() { return *hyp_; }
  Kernel& kernel() { return *kernel_; }

 private:
  SimConfig config_;
  HostMemory mem_;
  Mmu mmu_;
  std::unique_ptr<Hypervisor> hyp_;
  std::unique_ptr<Kernel> kernel_;
  uint64_t accesses_ = 0;
  uint64_t segfaults_ = 0;
};

}  // namespace memvirt
