#include "sim/experiments/experiment_run.hpp"

#include <fmt/format.h>

#include <memory>
#include <stdexcept>
#include <vector>

#include "sim/counted_part.hpp"
#include "sim/engine.hpp"
#include "sim/machine.hpp"
#include "vmm/pv.hpp"
#include "workload/workload.hpp"
#include "sim/error_text.hpp"

namespace memvirt {
namespace {

ExperimentRun collect(Machine& machine) {
  ExperimentRun run;
  run.result = machine.result();
  for (size_t g = 0; g < machine.guest_count(); ++g) {
    const Hypervisor& hyp = machine.hypervisor(g);
    add_counters(run.vmm, hyp.stats());
    if (const auto* pv = dynamic_cast<const Pv*>(&hyp)) run.pv_updates += pv->pv_stats().updates;
  }
  return run;
}

// The counted part, as simulate() takes it.
ExperimentRun counted(const ExperimentRun& end, const ExperimentRun& start, uint64_t warmed) {
  ExperimentRun run = end;
  run.result = counted_part(end.result, start.result, warmed);
  subtract_counts(run.vmm, start.vmm);
  run.pv_updates -= start.pv_updates;
  return run;
}

}  // namespace

SimConfig experiment_config(const ExperimentOptions& options, PagingMode mode) {
  SimConfig c;
  c.mode = mode;
  c.model = options.model;
  c.seed = options.seed;
  c.levels = options.levels;
  c.nested_levels = options.levels;
  c.warmup = options.warmup;
  return c;
}

ExperimentRun run_experiment(const SimConfig& config, const WorkloadSpec& spec,
                             const std::string& label) {
  try {
    // simulate(), keeping the machine long enough to read the hypervisors' own counters.
    Machine machine(config);
    ExperimentRun start;
    const uint64_t warmed = run_spec(machine, spec, [&] { start = collect(machine); });
    return warmed > 0 ? counted(collect(machine), start, warmed) : collect(machine);
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("{} ({}): {}", label, format_workload_spec(spec),
                                         error_text(e)));
  }
}

double ratio(uint64_t num, uint64_t den) {
  return ratio(static_cast<double>(num), static_cast<double>(den));
}

double ratio(double num, double den) { return den == 0.0 ? 0.0 : num / den; }

}  // namespace memvirt
