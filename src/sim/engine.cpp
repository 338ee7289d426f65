#include "sim/engine.hpp"

#include <algorithm>
#include <array>
#include <variant>

#include "sim/counted_part.hpp"
#include "sim/footprint.hpp"
#include "sim/warmup.hpp"
#include "vmm/paging_modes.hpp"

namespace memvirt {
namespace {

constexpr size_t kBatch = 4096;

// Where one VM's workload stands: its batch, and how far its vCPUs have got.
struct VmStream {
  Workload* workload = nullptr;
  std::array<Event, kBatch> batch;
  size_t size = 0;
  size_t next = 0;
  uint64_t applied = 0;   // events
  uint64_t accesses = 0;  // of them, accesses
  bool done = false;

  bool refill() {
    if (next < size) return true;
    size = workload->next(batch);
    next = 0;
    done = size == 0;
    return !done;
  }
};

// Applies up to `quantum` events of one VM, stopping once it has applied `limit` accesses;
// returns how many events.
uint64_t run_quantum(Machine& m, VmStream& s, uint64_t quantum, uint64_t limit) {
  const SimConfig& c = m.config();
  uint64_t n = 0;
  while (n < quantum && s.accesses < limit && s.refill()) {
    if (c.vcpus > 1) m.set_cpu(static_cast<int>((s.applied / c.vcpu_quantum) % c.vcpus));
    const Event& e = s.batch[s.next++];
    m.apply(e);
    s.accesses += is_access(e.kind) ? 1 : 0;
    ++s.applied;
    ++n;
  }
  return n;
}

// The VMs' streams, run in turns; a run can stop at an access count and go on later.
class Streams {
 public:
  Streams(Machine& machine, std::vector<std::unique_ptr<Workload>>& workloads)
      : machine_(machine), streams_(workloads.size()) {
    for (size_t i = 0; i < workloads.size(); ++i) streams_[i].workload = workloads[i].get();
  }

  uint64_t run(uint64_t limit) {
    const bool several = streams_.size() > 1;
    const uint64_t quantum = several ? machine_.config().vm_quantum : UINT64_MAX;
    uint64_t events = 0;
    for (bool any = true; any;) {
      any = false;
      for (size_t vm = 0; vm < streams_.size(); ++vm) {
        VmStream& s = streams_[vm];
        if (s.done || s.accesses >= limit) continue;
        if (several) machine_.switch_vm(static_cast<uint32_t>(vm));
        const uint64_t n = run_quantum(machine_, s, quantum, limit);
        events += n;
        any |= n > 0;
      }
    }
    return events;
  }

  uint64_t accesses() const {
    uint64_t sum = 0;
    for (const VmStream& s : streams_) sum += s.accesses;
    return sum;
  }

 private:
  Machine& machine_;
  std::vector<VmStream> streams_;
};

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

uint64_t run_workloads(Machine& machine, std::vector<std::unique_ptr<Workload>>& workloads,
                       uint64_t accesses) {
  if (workloads.size() == 1 && machine.config().vcpus == 1 && accesses == UINT64_MAX)
    return run_workload(machine, *workloads.front());
  return Streams(machine, workloads).run(accesses);
}

namespace {

uint64_t skipped_by(const std::vector<std::unique_ptr<Workload>>& workloads) {
  uint64_t n = 0;
  for (const auto& w : workloads) n += w->skipped_records();
  return n;
}

}  // namespace

uint64_t run_spec(Machine& machine, const WorkloadSpec& spec,
                  const std::function<void()>& counting_starts, uint64_t* skipped_records,
                  const WorkloadInstance& instance) {
  const SimConfig& config = machine.config();
  const WarmupPlan plan = plan_warmup(spec, config.page, config.warmup);
  std::vector<std::unique_ptr<Workload>> workloads;
  const int vms = mode_runs_vms(config.mode) ? config.vms : 1;
  for (int vm = 0; vm < vms; ++vm) {
    const WorkloadContext ctx{config.page, config.seed};
    workloads.push_back(instance ? instance(vm, ctx) : make_warm_workload(spec, ctx, plan));
  }
  uint64_t warmed = 0;
  if (plan.accesses == 0) {
    if (counting_starts) counting_starts();
    run_workloads(machine, workloads);
  } else {
    Streams streams(machine, workloads);
    streams.run(plan.accesses);
    warmed = streams.accesses();
    if (counting_starts) counting_starts();
    streams.run(UINT64_MAX);
  }
  if (skipped_records) *skipped_records = skipped_by(workloads);
  return warmed;
}

RunResult simulate(const SimConfig& config, const WorkloadSpec& spec) {
  return simulate(config, spec, WorkloadInstance{});
}

RunResult simulate(const SimConfig& config, const WorkloadSpec& spec,
                   const WorkloadInstance& instance) {
  check_footprint(config, spec);
  Machine machine(config);
  RunResult warm;
  uint64_t skipped = 0;
  const uint64_t warmed =
      run_spec(machine, spec, [&] { warm = machine.result(); }, &skipped, instance);
  // Without a warm-up everything counts, the machine's start-of-day work included.
  RunResult r = warmed > 0 ? counted_part(machine.result(), warm, warmed) : machine.result();
  if (std::holds_alternative<TraceSpec>(spec)) r.trace_skipped = skipped;
  return r;
}

}  // namespace memvirt
