// The KVM side of measure.hpp: the workload in the probe guest, and the exit round trips.
#include <stdexcept>

#include "kvm/measure.hpp"
#include "kvm/measure_runs.hpp"
#include "kvm/probe_runner.hpp"

namespace memvirt {

Measurement measure_in_guest(const Kvm& kvm, const MeasureConfig& config) {
  ProbeRunnerConfig rc;
  rc.working_set = working_set_bytes(config.spec);
  rc.guest_page = config.page;
  rc.host_backing = config.host_backing;
  rc.watchdog = config.watchdog;
  ProbeRunner runner(kvm, rc);
  const PreparedWorkload work = prepare_workload(runner.data(), kDataGva.raw(), config);
  // Fault every page in (and, under shadow paging, into the shadow tables) before timing.
  runner.run(touch_request(kDataGva.raw(), runner.layout().data_bytes));
  Measurement m = time_runs(work, config.repeats,
                            [&](const probe::Mailbox& request) { return runner.run(request).mailbox; });
  m.huge_bytes = runner.data_huge_bytes();
  return m;
}

ExitCosts measure_exits(const Kvm& kvm, uint64_t count) {
  if (count < 2) throw std::invalid_argument("measure exits needs a count of at least 2");
  ProbeRunner runner(kvm, ProbeRunnerConfig{});
  ExitCosts costs;
  probe::Mailbox ports;
  ports.kind = static_cast<uint64_t>(probe::ProbeKind::kPortWrites);
  ports.args[0] = count;
  const ProbeRun io = runner.run(ports);
  costs.io_exits = io.probe_port_data.size();
  // n exits bound n - 1 round trips.
  costs.io_exit_round_trip_ns =
      static_cast<double>(io.first_to_last_exit.count()) / static_cast<double>(costs.io_exits - 1);

  probe::Mailbox mmio;
  mmio.kind = static_cast<uint64_t>(probe::ProbeKind::kMmioWrites);
  mmio.args[0] = low_gva(kMmioGpa).raw();
  mmio.args[1] = count;
  const ProbeRun mm = runner.run(mmio);
  costs.mmio_exits = mm.mmio_writes;
  costs.mmio_exit_round_trip_ns =
      static_cast<double>(mm.first_to_last_exit.count()) / static_cast<double>(costs.mmio_exits - 1);
  return costs;
}

}  // namespace memvirt
