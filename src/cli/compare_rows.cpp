#include "cli/compare_rows.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "kvm/kvm_fd.hpp"
#include "kvm/probe_runner.hpp"
#include "sim/engine.hpp"
#include "sim/error_text.hpp"

namespace memvirt {
namespace {

double to_ticks(double cycles, const SimContext& context) {
  return cycles * context.tsc_ghz / context.core_ghz;
}

// The flags' machine with this command's CPU model in place of the one --cpu defaults to.
SimConfig base_config(PagingMode mode, const SimContext& context) {
  SimConfig c = context.options->config_for(mode);
  c.cpu = context.cpu;
  c.tlb = tlb_config_for(context.cpu->tlb);
  return c;
}

// Warm-up left empty: steady state, the same computation the measured loop times.
double simulate_cycles(const SimConfig& config, const WorkloadSpec& spec, const std::string& what) {
  try {
    return simulate(config, spec).cycles_per_access();
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("simulating {}: {}", what, error_text(e)));
  }
}

std::string what_if_label(const SimConfig& c) {
  const std::string vms = c.vms > 1 ? fmt::format(", {} VMs", c.vms) : "";
  if (c.mode == PagingMode::kNative)
    return fmt::format("what-if: bare metal, native paging, {} pages", page_size_name(c.page));
  return fmt::format("what-if: bare metal, {} paging {}/{}{}", paging_mode_name(c.mode),
                     page_size_name(c.page), page_size_name(c.nested_page), vms);
}

// Transparent huge pages are granted, or not, by the kernel: say how much of the data got them.
std::string huge_note(const MeasureConfig& config, const Measurement& m) {
  if (config.page == PageSize::k4K && config.host_backing == HostBacking::k4K) return "";
  return fmt::format(" ({} MiB huge)", m.huge_bytes >> 20);
}

CompareRow empty_kvm_row(const std::string& reason) {
  CompareRow row;
  row.where = "kvm";
  row.note = "n/a: " + reason;
  return row;
}

}  // namespace

std::optional<double> CompareRow::error() const {
  if (!ticks || !predicted_ticks || *ticks <= 0) return std::nullopt;
  return *predicted_ticks / *ticks - 1;
}

MeasuredRow measure_native_row(const MeasureConfig& config) {
  const Measurement m = measure_native(config);
  if (!m.checksum_ok) throw std::runtime_error("the native checksum differs from the expected");
  CompareRow row;
  row.where = "native";
  row.ticks = row.cycles = m.cycles_per_step;
  row.note =
      fmt::format("host process, {} pages{}", page_size_name(config.page), huge_note(config, m));
  return {row, m};
}

MeasuredRow measure_kvm_row(const MeasureConfig& config, const std::string& backend_name) {
  try {
    const Kvm kvm;
    kvm.require_capabilities();
    const Measurement m = measure_in_guest(kvm, config);
    if (!m.checksum_ok) throw std::runtime_error("the guest's checksum differs from the host's");
    CompareRow row;
    row.where = "kvm";
    row.ticks = row.cycles = m.cycles_per_step;
    row.note = fmt::format("{}, {} guest pages on {} host pages{}", backend_name,
                           page_size_name(config.page), host_backing_name(config.host_backing),
                           huge_note(config, m));
    return {row, m};
  } catch (const KvmUnavailable& e) {
    return {empty_kvm_row(e.what()), std::nullopt};
  } catch (const KvmUnsupported& e) {
    return {empty_kvm_row(e.what()), std::nullopt};
  }
}

void predict(CompareRow& row, const std::optional<PredictionShape>& shape,
             const std::string& why_not, const SimContext& context) {
  if (!shape) {
    row.predicted_as = why_not;
    return;
  }
  SimConfig c = base_config(shape->mode, context);
  shape->apply_to(c);
  c.frames = context.prediction_frames;
  c.warmup.reset();  // steady state whatever the flags say: the measured loop is warm
  c.vms = 1;         // the measurement runs one guest on one vCPU
  c.vcpus = 1;
  const double cycles = simulate_cycles(c, context.spec, "the " + row.where + " row's prediction");
  row.predicted_cycles = cycles;
  row.predicted_ticks = to_ticks(cycles, context);
  row.predicted_as = shape->label;
}

CompareRow what_if_row(PagingMode mode, const SimContext& context) {
  const SimConfig c = base_config(mode, context);
  CompareRow row;
  row.where = fmt::format("sim-{}", paging_mode_name(mode));
  row.measured = false;
  row.cycles = simulate_cycles(c, context.spec, fmt::format("{} mode", paging_mode_name(mode)));
  row.ticks = to_ticks(*row.cycles, context);
  row.note = what_if_label(c);
  return row;
}

void fill_ratios(std::vector<CompareRow>& rows) {
  const auto over = [](const std::optional<double>& a, const std::optional<double>& b) {
    return a && b && *b > 0 ? std::optional<double>(*a / *b) : std::nullopt;
  };
  for (CompareRow& row : rows) {
    const std::string base = row.measured ? "native" : "sim-native";
    for (const CompareRow& b : rows) {
      if (b.where != base) continue;
      row.ratio = over(row.ticks, b.ticks);
      if (row.measured) row.predicted_ratio = over(row.predicted_ticks, b.predicted_ticks);
    }
  }
}

}  // namespace memvirt
