#include "cli/compare_command.hpp"

#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <vector>

#include "calibrate/core_clock.hpp"
#include "cli/compare_cpu.hpp"
#include "cli/compare_report.hpp"
#include "cli/compare_rows.hpp"
#include "cli/json_output.hpp"
#include "cli/run_inputs.hpp"
#include "cli/validators.hpp"
#include "kvm/backend.hpp"
#include "kvm/host_cpu.hpp"
#include "kvm/measure.hpp"
#include "sim/host_prediction.hpp"
#include "workload/spec.hpp"

namespace memvirt {
namespace {

constexpr const char* kCompareFooter = R"(Examples:
  memvirt compare --workload listwalk:ws=256MiB,npad=7,order=random --guest-page 2m
  memvirt compare --workload random:ws=64MiB,steps=1000000 --cpu skylake --json cmp.json

Every row is TSC ticks per step: measured rows are the median of --repeats warm runs, each beside
its steady-state prediction of the machine as it is (a process on a guest machine walks two
dimensions; the KVM guest is walked as its backend virtualizes it) and the error; the sim-* rows
are bare-metal what-ifs. Model cycles become ticks at the core clock measured before and after
the measured runs, and the measured TSC rate. The CPU model is --cpu, else this machine's calibrated preset (--cpu host), else the
preset CPUID suggests, with a warning. --guest-page sets the KVM guest's pages and the native
run's host pages; --page and --nested-page shape the what-ifs; predictions of the measured rows
use --frames scattered unless --frames is given.)";

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

// The page the measurement really ran on: transparent huge pages may not all have been granted.
PageSize real_page(PageSize requested, const std::optional<Measurement>& m,
                   const WorkloadSpec& spec) {
  if (!m) return requested;
  return backed_page(requested, m->huge_bytes, working_set_bytes(spec));
}

PageSize requested_backing(HostBacking backing) {
  return backing == HostBacking::k4K ? PageSize::k4K : PageSize::k2M;
}

std::string no_kvm_prediction(const KvmBackend& backend) {
  return backend.kind == KvmBackendKind::kNone
             ? "not predicted: no KVM backend is loaded"
             : "not predicted: the KVM backend is not one of kvm_pvm, kvm_intel, kvm_amd";
}

// The two measured rows, each with its prediction of this machine as it is. The core clock is
// read before and after them, and their mean turns every row's model cycles into ticks.
std::vector<CompareRow> measured_rows(const MeasureConfig& config, CompareSetting& setting,
                                      const KvmBackend& backend, SimContext& context) {
  const CoreClock before = measure_core_clock(setting.tsc_ghz);
  MeasuredRow native = measure_native_row(config);
  MeasuredRow kvm = measure_kvm_row(config, setting.backend);
  setting.core_ghz = context.core_ghz = span_core_ghz(before, measure_core_clock(setting.tsc_ghz));
  const PageSize process_page = real_page(config.page, native.measurement, config.spec);
  predict(native.row, predict_host_process(setting.machine, process_page), "", context);
  const PageSize backing =
      real_page(requested_backing(config.host_backing), kvm.measurement, config.spec);
  predict(kvm.row, predict_kvm_guest(setting.machine, backend, config.page, backing),
          no_kvm_prediction(backend), context);
  return {native.row, kvm.row};
}

}  // namespace

CompareCommand::CompareCommand(CLI::App& parent) {
  app_ = parent.add_subcommand("compare",
                               "Measured native and KVM guest, each beside its prediction, "
                               "and bare-metal what-ifs, in TSC ticks per step");
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

CompareSetting CompareCommand::setting(const WorkloadSpec& spec) const {
  CompareSetting s;
  s.workload = format_workload_spec(spec);
  s.backend = kvm_backend_name();
  s.repeats = repeats_;
  s.host = read_host_cpu();
  s.cpu = choose_compare_cpu(options_, s.host);
  if (!s.cpu.warning.empty()) fmt::print(stderr, "memvirt: warning: {}\n", s.cpu.warning);
  // Whether this is a guest is read now: a preset may have been calibrated on another machine.
  const CpuModel& cpu = *s.cpu.model;
  s.machine = {s.host.hypervisor, cpu.host ? cpu.host->outer_page : std::nullopt};
  s.tsc_ghz = measure_tsc_ghz();
  s.frames_given = options_.frames_given();
  s.prediction_frames =
      s.frames_given ? options_.config_for(PagingMode::kNative).frames : FramePlacement::kScattered;
  return s;
}

void CompareCommand::run() const {
  const WorkloadSpec spec = parse_workload_spec(workload_);
  // Without --cpu, compare reads the host preset where there is one.
  JsonOutput json(json_path_,
                  simulation_inputs(spec, options_.cpu_given() ? options_.cpu() : "host"));
  CompareSetting s = setting(spec);
  SimContext context{&options_, s.cpu.model, s.tsc_ghz, 0, s.prediction_frames, spec};
  const uint64_t seed = options_.config_for(PagingMode::kNative).seed;
  const MeasureConfig config = measure_config(spec, seed, repeats_, *parse_page_size(guest_page_));
  std::vector<CompareRow> rows = measured_rows(config, s, detect_kvm_backend(), context);
  for (PagingMode mode : {PagingMode::kNative, PagingMode::kShadow, PagingMode::kNested}) {
    rows.push_back(what_if_row(mode, context));
  }
  fill_ratios(rows);
  const nlohmann::json report = compare_json(s, rows);
  if (json.to_stdout()) return json.write(report);
  std::cout << compare_header(s) << compare_table(rows);
  json.write(report);
}

}  // namespace memvirt
