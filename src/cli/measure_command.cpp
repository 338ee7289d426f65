#include "cli/measure_command.hpp"

#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "cli/json_output.hpp"
#include "cli/validators.hpp"
#include "kvm/backend.hpp"
#include "kvm/kvm_fd.hpp"
#include "kvm/measure.hpp"
#include "text/message_quote.hpp"
#include "workload/spec.hpp"

namespace memvirt {
namespace {

constexpr const char* kMeasureFooter = R"(Examples:
  memvirt measure kvm --workload listwalk:ws=256MiB,npad=7,order=random --guest-page 2m
  memvirt measure native --workload listwalk:ws=256MiB,npad=7,order=random --page 4k
  memvirt measure exits --count 10000 --json exits.json)";

CLI::Validator host_page_validator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (text == "4k" || text == "2m") return "";
        return fmt::format("{} is not a host page size here (expected 4k or 2m)",
                           message_quote(text));
      },
      "", "host page size");
}

void add_common(CLI::App& app, std::string& workload, unsigned& repeats, uint64_t& seed,
                std::string& json) {
  app.add_option("--workload", workload,
                 "Workload spec, listwalk or random: e.g. listwalk:ws=256MiB,order=random")
      ->type_name("SPEC")
      ->required()
      ->check(workload_spec_validator())
      ->check(measurable_workload_validator("measure"));
  app.add_option("--repeats", repeats, "Timed runs after one warm-up; the median is reported")
      ->type_name("N")
      ->check(CLI::Range(1u, 1000u))
      ->capture_default_str();
  app.add_option("--seed", seed, "Seed of the workload's random choices (as in `memvirt sim`)")
      ->type_name("N")
      ->check(seed_validator())
      ->capture_default_str();
  app.add_option("--json", json, "Also write the JSON result to FILE ('-': on stdout only)")
      ->type_name("FILE");
}

void emit(const nlohmann::json& result, JsonOutput& json, const std::string& text) {
  if (json.to_stdout()) return json.write(result);
  std::cout << text;
  json.write(result);
}

HostBacking backing_for(const std::string& host_page, PageSize guest_page) {
  if (host_page.empty()) {
    return guest_page == PageSize::k4K ? HostBacking::k4K : HostBacking::kTransparentHuge;
  }
  return host_page == "2m" ? HostBacking::kTransparentHuge : HostBacking::k4K;
}

std::string huge_text(uint64_t huge_bytes) {
  return fmt::format("{} MiB of huge host pages", huge_bytes >> 20);
}

}  // namespace

MeasureCommand::MeasureCommand(CLI::App& parent) {
  app_ = parent.add_subcommand("measure", "Measure a workload for real: in a KVM guest, natively, "
                                          "or the cost of VM exits");
  app_->footer(kMeasureFooter);
  app_->require_subcommand(1);
  add_kvm(*app_);
  add_native(*app_);
  add_exits(*app_);
}

void MeasureCommand::add_kvm(CLI::App& measure) {
  kvm_ = measure.add_subcommand("kvm", "Run the workload in a guest of memvirt's own VMM");
  add_common(*kvm_, workload_, repeats_, seed_, json_path_);
  kvm_->add_option("--guest-page", guest_page_, "Guest page size of the working set")
      ->type_name("4k|2m|1g")
      ->check(page_size_validator())
      ->capture_default_str();
  kvm_->add_option("--host-page", host_page_,
                   "Host pages behind guest memory (default: 4k for 4k guest pages, else 2m THP)")
      ->type_name("4k|2m")
      ->check(host_page_validator());
  kvm_->add_option("--timeout", timeout_s_,
                   "Seconds a guest run may take before the watchdog stops it (exit 1)")
      ->type_name("SECONDS")
      ->check(CLI::Range(1u, 86'400u))
      ->capture_default_str();
}

void MeasureCommand::add_native(CLI::App& measure) {
  native_ = measure.add_subcommand("native", "Run the workload's loop in this host process");
  add_common(*native_, workload_, repeats_, seed_, json_path_);
  native_->add_option("--page", page_, "Host page size: 4k (MADV_NOHUGEPAGE) or 2m (THP)")
      ->type_name("4k|2m")
      ->check(host_page_validator())
      ->capture_default_str();
}

void MeasureCommand::add_exits(CLI::App& measure) {
  exits_ = measure.add_subcommand("exits", "Time the I/O-exit and MMIO-exit round trips");
  exits_->add_option("--count", count_, "Exits of each kind")
      ->type_name("N")
      ->check(CLI::Range(uint64_t{2}, uint64_t{100'000'000}))
      ->capture_default_str();
  exits_->add_option("--json", json_path_, "Also write the JSON result to FILE ('-': stdout only)")
      ->type_name("FILE");
}

void MeasureCommand::run() const {
  if (kvm_->parsed()) return run_kvm();
  if (native_->parsed()) return run_native();
  run_exits();
}

void MeasureCommand::run_kvm() const {
  JsonOutput json(json_path_);
  const Kvm kvm;
  kvm.require_capabilities();
  MeasureConfig config;
  config.spec = parse_workload_spec(workload_);
  config.seed = seed_;
  config.repeats = repeats_;
  config.page = *parse_page_size(guest_page_);
  config.host_backing = backing_for(host_page_, config.page);
  config.watchdog = std::chrono::seconds(timeout_s_);
  const std::string backend = kvm_backend_name();
  const std::string workload = format_workload_spec(config.spec);
  const Measurement m = measure_in_guest(kvm, config);
  const nlohmann::json result = {{"where", "kvm"},
                                 {"backend", backend},
                                 {"guest_page", page_size_name(config.page)},
                                 {"host_page", host_backing_name(config.host_backing)},
                                 {"workload", workload},
                                 {"cycles_per_step", m.cycles_per_step},
                                 {"checksum_ok", m.checksum_ok},
                                 {"repeats", config.repeats},
                                 {"samples", m.samples},
                                 {"huge_host_bytes", m.huge_bytes}};
  emit(result, json,
       fmt::format("kvm guest  backend {}  guest page {}  host page {} ({})\n"
                   "workload   {}\ncycles/step {:.2f} (median of {})  checksum {}\n",
                   backend, page_size_name(config.page), host_backing_name(config.host_backing),
                   huge_text(m.huge_bytes), workload, m.cycles_per_step, config.repeats,
                   m.checksum_ok ? "ok" : "WRONG"));
  if (!m.checksum_ok) throw std::runtime_error("the guest's checksum differs from the host's");
}

void MeasureCommand::run_native() const {
  JsonOutput json(json_path_);
  MeasureConfig config;
  config.spec = parse_workload_spec(workload_);
  config.seed = seed_;
  config.repeats = repeats_;
  config.page = *parse_page_size(page_);
  const std::string workload = format_workload_spec(config.spec);
  const Measurement m = measure_native(config);
  const bool thp = m.huge_bytes > 0;
  const nlohmann::json result = {{"where", "native"},
                                 {"workload", workload},
                                 {"page", page_size_name(config.page)},
                                 {"cycles_per_step", m.cycles_per_step},
                                 {"repeats", config.repeats},
                                 {"thp", thp},
                                 {"huge_bytes", m.huge_bytes},
                                 {"checksum_ok", m.checksum_ok},
                                 {"samples", m.samples}};
  emit(result, json,
       fmt::format("native  page {} ({})\nworkload   {}\ncycles/step {:.2f} (median of {})  "
                   "checksum {}\n",
                   page_size_name(config.page), huge_text(m.huge_bytes), workload,
                   m.cycles_per_step, config.repeats, m.checksum_ok ? "ok" : "WRONG"));
  if (!m.checksum_ok) throw std::runtime_error("the native checksum differs from the expected");
}

void MeasureCommand::run_exits() const {
  JsonOutput json(json_path_);
  const Kvm kvm;
  kvm.require_capabilities();
  const std::string backend = kvm_backend_name();
  const ExitCosts c = measure_exits(kvm, count_);
  const nlohmann::json result = {{"backend", backend},
                                 {"io_exits", c.io_exits},
                                 {"io_exit_round_trip_ns", c.io_exit_round_trip_ns},
                                 {"mmio_exits", c.mmio_exits},
                                 {"mmio_exit_round_trip_ns", c.mmio_exit_round_trip_ns}};
  emit(result, json,
       fmt::format("backend {}\nI/O exits  {}  round trip {:.0f} ns\nMMIO exits {}  round trip "
                   "{:.0f} ns\n",
                   backend, c.io_exits, c.io_exit_round_trip_ns, c.mmio_exits,
                   c.mmio_exit_round_trip_ns));
}

}  // namespace memvirt
