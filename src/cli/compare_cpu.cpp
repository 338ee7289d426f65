#include "cli/compare_cpu.hpp"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <optional>

#include "sim/cpu_preset_choice.hpp"

namespace memvirt {
namespace {

// The calibrated preset's path, or empty when there is none (or no home to hold one).
std::optional<std::filesystem::path> calibrated_preset() {
  try {
    const std::filesystem::path path = host_preset_path();
    if (std::filesystem::exists(path)) return path;
  } catch (const PresetError&) {
  }
  return std::nullopt;
}

// Calibration names its machine "<vendor> family F model M: <brand>"; machines of a cloud can
// change processor between boots, and a preset fitted on another one predicts the wrong machine.
bool same_processor(const HostFacts& facts, const HostCpu& host) {
  const std::string id = fmt::format("{} family {} model {}", host.vendor, host.family, host.model);
  if (facts.cpu.compare(0, id.size(), id) != 0) return false;
  return facts.cpu.size() == id.size() ||
         !std::isdigit(static_cast<unsigned char>(facts.cpu[id.size()]));
}

CompareCpu calibrated(const std::filesystem::path& path, const HostCpu& host) {
  CompareCpu c;
  c.model = std::make_shared<const CpuModel>(load_cpu_model("host"));
  c.chosen_by = "calibrated preset";
  c.calibrated = c.model->host.has_value();
  if (!c.calibrated) {
    c.warning =
        fmt::format("{} has no \"host\" facts: run `memvirt calibrate` again", path.string());
  } else if (!same_processor(*c.model->host, host)) {
    c.warning = fmt::format(
        "{} was calibrated on {}, but this machine is {}: run `memvirt "
        "calibrate` again",
        path.string(), c.model->host->cpu, host.describe());
  }
  return c;
}

CompareCpu by_cpuid(const HostCpu& host) {
  const PresetChoice choice = preset_for_cpu(host);
  CompareCpu c;
  c.model = std::make_shared<const CpuModel>(load_cpu_model(choice.preset));
  c.chosen_by = "CPUID: " + choice.reason;
  c.warning = fmt::format(
      "this machine is not calibrated; predicting with preset {} ({}). Run "
      "`memvirt calibrate` for predictions fitted to it",
      choice.preset, choice.reason);
  return c;
}

CompareCpu chosen(const SimOptions& options, const HostCpu& host) {
  if (options.cpu_given()) {
    CompareCpu c;
    c.model = options.config_for(PagingMode::kNative).cpu;
    c.chosen_by = "--cpu";
    c.calibrated = c.model && c.model->host.has_value();
    return c;
  }
  if (const auto path = calibrated_preset()) return calibrated(*path, host);
  return by_cpuid(host);
}

}  // namespace

CompareCpu choose_compare_cpu(const SimOptions& options, const HostCpu& host) {
  CompareCpu c = chosen(options, host);
  // A preset may state no clock for `sim`, which counts cycles only; ticks need one.
  if (c.model->core_ghz <= 0)
    throw PresetError(
        fmt::format("CPU preset {}: field 'core_ghz' must be above 0 to turn "
                    "cycles into TSC ticks",
                    c.model->origin));
  return c;
}

}  // namespace memvirt
