#include "cli/compare_command.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <vector>

#include "cli/json_output.hpp"
#include "cli/validators.hpp"
#include "kvm/backend.hpp"
#include "kvm/kvm_fd.hpp"
#include "kvm/measure.hpp"
#include "kvm/probe_runner.hpp"
#include "report/text_table.hpp"
#include "sim/engine.hpp"
#include "workload/spec.hpp"

namespace memvirt {
namespace {

constexpr const char* kCompareFooter = R"(Examples:
  memvirt compare --workload listwalk:ws=256MiB,npad=7,order=random --guest-page 2m
  memvirt compare --workload random:ws=64MiB,steps=1000000 --cpu skylake --json cmp.json

Measured rows are rdtsc ticks per step (median of --repeats); simulated rows are the CPU model's
cycles per access. --guest-page sets the KVM guest's pages and the native run's host pages;
--page and --nested-page shape the simulated machines.)";

struct Row {
  std::string where;  // native, kvm, sim-native, sim-shadow, sim-nested
  bool measured = true;
  std::optional<double> cycles;  // empty: could not be measured (see note)
  std::string note;              // what the row ran on, or why it is empty
  std::optional<double> ratio;   // to the native row of the same kind
};

MeasureConfig measure_config(const WorkloadSpec& spec, uint64_t seed, unsigned repeats,
                             PageSize page) {
  MeasureConfig config;
  config.spec = spec;
  config.seed = seed;
  config.repeats = repeats;
  config.page = page;
  // As `measure kvm` does by default: 2 MiB guest pages get huge host pages behind them.
  config.host_backing = page == PageSize::k4K ? HostBacking::k4K : HostBacking::kTransparentHuge;
  return config;
}

Row native_row(const MeasureConfig& config) {
  const Measurement m = measure_native(config);
  if (!m.checksum_ok) throw std::runtime_error("the native checksum differs from the expected");
  return {"native", true, m.cycles_per_step,
          fmt::format("host process, {} pages", page_size_name(config.page)), std::nullopt};
}

// No /dev/kvm (or a backend that cannot run the request) still leaves four rows worth showing.
Row kvm_row(const MeasureConfig& config, const std::string& backend) {
  try {
    const Kvm kvm;
    kvm.require_capabilities();
    const Measurement m = measure_in_guest(kvm, config);
    if (!m.checksum_ok) throw std::runtime_error("the guest's checksum differs from the host's");
    return {"kvm", true, m.cycles_per_step,
            fmt::format("{}, {} guest pages", backend, page_size_name(config.page)), std::nullopt};
  } catch (const KvmUnavailable& e) {
    return {"kvm", true, std::nullopt, fmt::format("n/a: {}", e.what()), std::nullopt};
  } catch (const KvmUnsupported& e) {
    return {"kvm", true, std::nullopt, fmt::format("n/a: {}", e.what()), std::nullopt};
  }
}

Row sim_row(const SimOptions& options, PagingMode mode, const WorkloadSpec& spec) {
  const SimConfig config = options.config_for(mode);
  RunResult r;
  try {
    r = simulate(config, spec);
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("{} mode: {}", paging_mode_name(mode), e.what()));
  }
  return {fmt::format("sim-{}", paging_mode_name(mode)), false, r.cycles_per_access(),
          fmt::format("model {}, {} pages", config.cpu->name, page_size_name(config.page)),
          std::nullopt};
}

// Each kind is compared with its own native row: ticks with ticks, model cycles with cycles.
void fill_ratios(std::vector<Row>& rows) {
  for (Row& row : rows) {
    const std::string base = row.measured ? "native" : "sim-native";
    for (const Row& b : rows) {
      if (b.where == base && b.cycles && *b.cycles > 0 && row.cycles) {
        row.ratio = *row.cycles / *b.cycles;
      }
    }
  }
}

std::string render_table(const std::vector<Row>& rows) {
  TextTable table({{"where", Align::kLeft},
                   {"kind", Align::kLeft},
                   {"cycles/step", Align::kRight},
                   {"ratio to\nnative", Align::kRight},
                   {"ran on", Align::kLeft}});
  for (const Row& r : rows) {
    table.add_row({r.where, r.measured ? "measured" : "simulated",
                   r.cycles ? fixed(*r.cycles, 2) : "n/a", r.ratio ? fixed(*r.ratio, 2) : "n/a",
                   r.note});
  }
  return table.render();
}

nlohmann::json rows_json(const std::string& workload, const std::string& backend,
                         const std::vector<Row>& rows) {
  nlohmann::json out = {
      {"workload", workload}, {"backend", backend}, {"rows", nlohmann::json::array()}};
  for (const Row& r : rows) {
    nlohmann::json row = {{"where", r.where},
                          {"kind", r.measured ? "measured" : "simulated"},
                          {"cycles_per_step", r.cycles ? nlohmann::json(*r.cycles) : nullptr},
                          {"ratio_to_native", r.ratio ? nlohmann::json(*r.ratio) : nullptr}};
    if (!r.cycles) row["reason"] = r.note;
    out["rows"].push_back(row);
  }
  return out;
}

}  // namespace

CompareCommand::CompareCommand(CLI::App& parent) {
  app_ = parent.add_subcommand("compare",
                               "Measured native and KVM guest beside simulated native, "
                               "shadow and nested paging, for one workload");
  app_->footer(kCompareFooter);
  app_->add_option("--workload", workload_, "Workload spec: listwalk or random only")
      ->type_name("SPEC")
      ->required()
      ->check(workload_spec_validator())
      ->check(measurable_workload_validator("compare"));
  app_->add_option("--guest-page", guest_page_, "KVM guest pages (and the native run's pages)")
      ->type_name("4k|2m")
      ->check(CLI::IsMember({"4k", "2m"}))
      ->capture_default_str();
  app_->add_option("--repeats", repeats_, "Timed runs after one warm-up; the median is reported")
      ->type_name("N")
      ->check(CLI::Range(1u, 1000u))
      ->capture_default_str();
  options_.add_to(*app_);
  app_->add_option("--json", json_path_, "Also write the rows to FILE ('-': on stdout, no table)")
      ->type_name("FILE");
  app_->callback([this] { validate(); });
}

void CompareCommand::validate() const {
  if (!options_.config_for(PagingMode::kNative).cpu) {
    throw CLI::ValidationError("--cpu", "compare needs a CPU model to give cycles, not 'none'");
  }
}

void CompareCommand::run() const {
  std::ofstream json_file = open_json_output(json_path_);
  const WorkloadSpec spec = parse_workload_spec(workload_);
  const std::string workload = format_workload_spec(spec);
  const std::string backend = kvm_backend_name();
  const uint64_t seed = options_.config_for(PagingMode::kNative).seed;
  const MeasureConfig config = measure_config(spec, seed, repeats_, *parse_page_size(guest_page_));
  std::vector<Row> rows = {native_row(config), kvm_row(config, backend)};
  for (PagingMode mode : {PagingMode::kNative, PagingMode::kShadow, PagingMode::kNested}) {
    rows.push_back(sim_row(options_, mode, spec));
  }
  fill_ratios(rows);
  const nlohmann::json report = rows_json(workload, backend, rows);
  if (json_path_ == "-") return write_json(std::cout, report, "stdout");
  std::cout << fmt::format(
                   "workload {}\nbackend  {}\nmeasured: rdtsc ticks per step (median of "
                   "{}); simulated: model cycles per access\n\n",
                   workload, backend, repeats_)
            << render_table(rows);
  if (json_file.is_open()) write_json(json_file, report, json_path_);
}

}  // namespace memvirt
