#include "sim/sweep_inputs.hpp"

#include <variant>

#include "sim/content_digest.hpp"
#include "timing/cpu_model.hpp"
#include "workload/spec.hpp"

namespace memvirt {

nlohmann::json SweepInputs::of(const SweepPoint& point) {
  nlohmann::json inputs = nlohmann::json::object();
  if (!point.cpu.empty() && point.cpu != "none") {
    auto it = cpu_digests_.find(point.cpu);
    if (it == cpu_digests_.end())
      it = cpu_digests_.emplace(point.cpu, text_digest(cpu_preset_text(point.cpu))).first;
    inputs["cpu"] = it->second;
  }
  const WorkloadSpec spec = parse_workload_spec(point.workload);
  if (const TraceSpec* trace = std::get_if<TraceSpec>(&spec)) {
    auto it = trace_digests_.find(trace->file);
    if (it == trace_digests_.end()) {
      const std::string digest = trace->file == "-" ? "stdin" : file_digest(trace->file);
      it = trace_digests_.emplace(trace->file, digest).first;
    }
    inputs["trace"] = it->second;
  }
  return inputs;
}

std::vector<nlohmann::json> inputs_of(const SweepResults& results,
                                      const std::vector<size_t>& todo) {
  SweepInputs inputs;
  std::vector<nlohmann::json> by_index(results.points().size());
  for (size_t i : todo) by_index.at(i) = inputs.of(results.points().at(i));
  return by_index;
}

size_t forget_stale_rows(SweepResults& results, const std::vector<size_t>& todo,
                         const std::vector<nlohmann::json>& inputs) {
  size_t forgotten = 0;
  for (size_t i : todo) {
    if (!results.has(i)) continue;
    const auto given = results.row(i).find("inputs");
    if (given != results.row(i).end() && *given == inputs.at(i)) continue;
    results.forget(i);
    ++forgotten;
  }
  return forgotten;
}

}  // namespace memvirt
