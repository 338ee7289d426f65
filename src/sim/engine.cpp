#include "sim/engine.hpp"

#include <algorithm>
#include <array>

namespace memvirt {
namespace {

constexpr size_t kBatch = 4096;

// Where one VM's workload stands: its batch, and how far its vCPUs have got.
struct VmStream {
  std::unique_ptr<Workload>* workload;
  std::array<Event, kBatch> batch;
  size_t size = 0;
  size_t next = 0;
  uint64_t applied = 0;
  bool done = false;

  bool refill() {
    if (next < size) return true;
    size = (*workload)->next(batch);
    next = 0;
    done = size == 0;
    return !done;
  }
};

// Applies up to `quantum` events of one VM; returns how many.
uint64_t run_quantum(Machine& m, VmStream& s, uint64_t quantum) {
  const SimConfig& c = m.config();
  uint64_t n = 0;
  while (n < quantum && s.refill()) {
    if (c.vcpus > 1) m.set_cpu(static_cast<int>((s.applied / c.vcpu_quantum) % c.vcpus));
    m.apply(s.batch[s.next++]);
    ++s.applied;
    ++n;
  }
  return n;
}

}  // namespace

uint64_t run_workload(Machine& machine, Workload& workload) {
  std::array<Event, kBatch> batch;
  uint64_t events = 0;
  for (size_t n; (n = workload.next(batch)) != 0;) {
    for (size_t i = 0; i < n; ++i) machine.apply(batch[i]);
    events += n;
  }
  return events;
}

uint64_t run_workloads(Machine& machine, std::vector<std::unique_ptr<Workload>>& workloads) {
  if (workloads.size() == 1 && machine.config().vcpus == 1)
    return run_workload(machine, *workloads.front());
  std::vector<std::unique_ptr<VmStream>> streams;
  for (auto& w : workloads) {
    streams.push_back(std::make_unique<VmStream>());
    streams.back()->workload = &w;
  }
  const uint64_t quantum = workloads.size() > 1 ? machine.config().vm_quantum : UINT64_MAX;
  uint64_t events = 0;
  for (bool any = true; any;) {
    any = false;
    for (size_t vm = 0; vm < streams.size(); ++vm) {
      if (streams[vm]->done) continue;
      if (workloads.size() > 1) machine.switch_vm(static_cast<uint32_t>(vm));
      const uint64_t n = run_quantum(machine, *streams[vm], quantum);
      events += n;
      any |= n > 0;
    }
  }
  return events;
}

void run_spec(Machine& machine, const WorkloadSpec& spec) {
  const SimConfig& config = machine.config();
  std::vector<std::unique_ptr<Workload>> workloads;
  const int vms = config.mode == PagingMode::kNative ? 1 : config.vms;
  for (int vm = 0; vm < vms; ++vm)
    workloads.push_back(make_workload(spec, WorkloadContext{config.page, config.seed}));
  run_workloads(machine, workloads);
}

RunResult simulate(const SimConfig& config, const WorkloadSpec& spec) {
  Machine machine(config);
  run_spec(machine, spec);
  return machine.result();
}

}  // namespace memvirt
