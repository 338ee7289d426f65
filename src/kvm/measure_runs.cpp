#include "kvm/measure_runs.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

#include "kvm/workload_image.hpp"
#include "workload/listwalk.hpp"

namespace memvirt {
namespace {

using probe::ProbeKind;

PreparedWorkload prepare(std::span<uint8_t> memory, uint64_t base, const ListWalkSpec& spec,
                         uint64_t seed) {
  const ListWalkLayout layout(spec, seed);
  PreparedWorkload w;
  w.request.kind = static_cast<uint64_t>(ProbeKind::kListWalk);
  w.request.args[0] = write_list_chain(memory, base, layout);
  w.request.args[1] = spec.steps;
  w.expected_checksum = list_chain_end(base, layout, spec.steps);
  w.steps = spec.steps;
  w.bytes = spec.ws;
  return w;
}

PreparedWorkload prepare(std::span<uint8_t> memory, uint64_t base, const RandomSpec& spec,
                         uint64_t seed) {
  write_word_indices(memory, spec.ws / 8);
  PreparedWorkload w;
  w.request.kind = static_cast<uint64_t>(ProbeKind::kRandomAccess);
  w.request.args[0] = base;
  w.request.args[1] = spec.ws / 8;
  w.request.args[2] = spec.steps;
  w.request.args[3] = seed;
  w.request.args[4] = std::bit_cast<uint64_t>(spec.write);
  w.expected_checksum = random_access_sum(spec, seed);
  w.steps = spec.steps;
  w.bytes = spec.ws;
  return w;
}

// Only the single-process workloads have a probe loop in the guest; churn, ctxswitch and
// forkexec need processes, which only the simulator has.
template <typename Spec>
PreparedWorkload prepare(std::span<uint8_t>, uint64_t, const Spec& spec, uint64_t) {
  throw std::invalid_argument("workload " + workload_name(WorkloadSpec(spec)) +
                              " can be simulated but not measured");
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

}  // namespace

PreparedWorkload prepare_workload(std::span<uint8_t> memory, uint64_t base,
                                  const MeasureConfig& config) {
  return std::visit([&](const auto& spec) { return prepare(memory, base, spec, config.seed); },
                    config.spec);
}

probe::Mailbox touch_request(uint64_t base, uint64_t bytes) {
  probe::Mailbox m;
  m.kind = static_cast<uint64_t>(ProbeKind::kTouch);
  m.args[0] = base;
  m.args[1] = bytes;
  m.args[2] = 4096;
  return m;
}

Measurement time_runs(const PreparedWorkload& work, unsigned repeats,
                      const std::function<probe::Mailbox(const probe::Mailbox&)>& run) {
  if (repeats == 0) throw std::invalid_argument("repeats must be at least 1");
  Measurement m;
  m.checksum_ok = run(work.request).checksum == work.expected_checksum;  // warm-up
  for (unsigned i = 0; i < repeats; ++i) {
    const probe::Mailbox out = run(work.request);
    m.checksum_ok = m.checksum_ok && out.checksum == work.expected_checksum;
    m.samples.push_back(static_cast<double>(out.cycles) / static_cast<double>(work.steps));
  }
  m.cycles_per_step = median(m.samples);
  return m;
}

}  // namespace memvirt
