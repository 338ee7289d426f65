#include "cli/run_inputs.hpp"

#include <optional>

#include "timing/cpu_model.hpp"

namespace memvirt {

std::vector<InputFile> workload_inputs(const WorkloadSpec& spec) {
  const TraceSpec* trace = std::get_if<TraceSpec>(&spec);
  if (trace == nullptr || trace->file == "-") return {};
  return {{trace->file, "the trace of --workload"}};
}

std::vector<InputFile> cpu_inputs(const std::string& cpu) {
  if (cpu == "none") return {};
  try {
    const std::optional<std::filesystem::path> file = cpu_preset_file(cpu);
    if (!file) return {};
    return {{*file, "the --cpu preset"}};
  } catch (const PresetError&) {
    return {};  // no place for a host preset: there is none to read, so none to overwrite
  }
}

std::vector<InputFile> program_inputs(const std::vector<std::string>& command,
                                      const std::string& role) {
  if (command.empty() || command.front().find('/') == std::string::npos) return {};
  return {{command.front(), role}};
}

std::vector<InputFile> simulation_inputs(const WorkloadSpec& spec, const std::string& cpu) {
  std::vector<InputFile> inputs = workload_inputs(spec);
  for (InputFile& input : cpu_inputs(cpu)) inputs.push_back(std::move(input));
  return inputs;
}

}  // namespace memvirt
