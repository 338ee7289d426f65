#include "sim/engine.hpp"

#include <array>

namespace memvirt {

uint64_t run_workload(Machine& machine, Workload& workload) {
  std::array<Event, 4096> batch;
  uint64_t events = 0;
  for (size_t n; (n = workload.next(batch)) != 0;) {
    for (size_t i = 0; i < n; ++i) machine.apply(batch[i]);
    events += n;
  }
  return events;
}

RunResult simulate(const SimConfig& config, const WorkloadSpec& spec) {
  Machine machine(config);
  auto workload = make_workload(spec, WorkloadContext{config.page, config.seed});
  run_workload(machine, *workload);
  return machine.result();
}

}  // namespace memvirt
