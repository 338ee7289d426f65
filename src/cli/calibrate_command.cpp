#include "cli/calibrate_command.hpp"

#include <fmt/format.h>
#include <sched.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>

#include "calibrate/base_preset.hpp"
#include "calibrate/calibration_fit.hpp"
#include "calibrate/calibration_record.hpp"
#include "calibrate/calibration_run.hpp"
#include "calibrate/machine_structure.hpp"
#include "calibrate/preset_file.hpp"
#include "calibrate/structure_fields.hpp"
#include "calibrate/validation.hpp"
#include "cli/json_output.hpp"
#include "cli/run_inputs.hpp"
#include "cli/validators.hpp"
#include "kvm/host_cpu.hpp"
#include "report/output_file.hpp"
#include "text/message_quote.hpp"
#include "timing/cpu_model.hpp"

namespace memvirt {
namespace {

constexpr const char* kFooter = R"(Examples:
  memvirt calibrate                      # writes ~/.config/memvirt/host.json (--cpu host)
  memvirt calibrate -o mine.json --pin 1
  memvirt calibrate --validate --plot validation.svg --json validation.json
  memvirt calibrate --validate --cpu zen4-guest
  memvirt calibrate --validate --cpu mine.json --measured validation.json   # no measuring

Measures only on a quiet machine (1-minute load average at most 0.7, CPUs at most 15% busy over a
second) unless --force, which records the load in the preset. A full run takes 2 to 4 minutes;
--validate measures and predicts 64 held-out walks in a few minutes more.)";

std::string now_iso8601() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

CLI::Validator cpu_validator() {
  return CLI::Validator(
      [](std::string& v) -> std::string {
        try {
          load_cpu_model(v);
        } catch (const PresetError& e) {
          return e.what();
        }
        return {};
      },
      "", "cpu_validator");
}

// After count_validator has checked the number: a CPU this process may run on.
CLI::Validator pin_allowed_validator() {
  return CLI::Validator(
      [](std::string& v) -> std::string {
        const int cpu = std::stoi(v);
        cpu_set_t set;
        CPU_ZERO(&set);
        if (sched_getaffinity(0, sizeof set, &set) == 0 && !CPU_ISSET(cpu, &set))
          return fmt::format("this process may not run on CPU {} ({} CPUs allowed)", cpu,
                             CPU_COUNT(&set));
        return {};
      },
      "", "pin_allowed_validator");
}

std::unique_ptr<Progress> progress_for(size_t total) { return make_progress(total, 0, stderr); }

RunOptions run_options(int pin, bool force, bool quick) {
  RunOptions o;
  o.cpu = pin >= 0 ? pin : default_pin_cpu();
  o.force = force;
  o.repeats = quick ? 3 : 5;
  return o;
}

// A preset without host facts is predicted as the machine running this: nested under 4 KiB
// outer pages when CPUID says it is a guest.
std::shared_ptr<const CpuModel> with_host_facts(CpuModel cpu, double tsc_ghz) {
  if (!cpu.host) {
    const HostCpu here = read_host_cpu();
    cpu.host = HostFacts{here.describe(), here.hypervisor, std::nullopt, tsc_ghz};
  }
  return std::make_shared<const CpuModel>(std::move(cpu));
}

std::string prediction_text(const CpuModel& cpu) {
  return fmt::format(
      "simulate(), frames scattered, {}; model cycles to ticks at the core clock measured "
      "around each point",
      cpu.host->guest ? fmt::format("nested, outer pages {}",
                                    cpu.host->outer_page ? page_size_name(*cpu.host->outer_page)
                                                         : "4k (not known)")
                      : "native");
}

// The line above the table (not when the JSON goes to stdout).
void print_header(const JsonOutput& json, const std::string& what,
                  const nlohmann::ordered_json& meta) {
  if (json.to_stdout()) return;
  fmt::print("{}; predicted: {}\n\n", what, meta["prediction"].get<std::string>());
}

// Fails at once, before minutes of measuring, if the preset could not be written there.
void check_writable(const std::filesystem::path& path) {
  refuse_unsafe_output(path, {});
  std::error_code ec;
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  std::filesystem::create_directories(dir, ec);
  if (ec || access(dir.c_str(), W_OK) != 0)
    throw std::runtime_error(
        fmt::format("cannot write the preset to '{}': its directory '{}' is "
                    "not writable",
                    path.string(), dir.string()));
}

}  // namespace

CalibrateCommand::CalibrateCommand(CLI::App& parent) {
  app_ = parent.add_subcommand("calibrate",
                               "Write a CPU preset for this machine from CPUID and its own list "
                               "walks, or --validate one on held-out walks");
  app_->footer(kFooter);
  app_->add_option("-o,--output", output_,
                   "Where the preset goes (default: the host preset, $XDG_CONFIG_HOME/memvirt/"
                   "host.json or ~/.config/memvirt/host.json, which --cpu host reads)")
      ->type_name("FILE");
  app_->add_flag("--validate", validate_,
                 "Measure the held-out grid and print it measured against predicted");
  app_->add_option("--cpu", cpu_, "With --validate: the preset to check (default: host)")
      ->type_name("PRESET|FILE|host")
      ->check(cpu_validator());
  app_->add_flag("--force", force_, "Measure on a busy machine too, recording its load");
  app_->add_flag("--quick", quick_, "A few points and steps only: checks that it works, no more");
  app_->add_option("--pin", pin_, "The CPU to measure on (default: 1 if there are two or more)")
      ->type_name("CPU")
      ->check(count_validator(0, CPU_SETSIZE - 1))
      ->check(pin_allowed_validator());
  app_->add_option("--plot", plot_, "With --validate: draw measured and predicted (gnuplot)")
      ->type_name("FILE.svg|FILE.png")
      ->check(picture_path_validator());
  app_->add_option("--measured", measured_,
                   "With --validate: check against the rows of an earlier --validate --json "
                   "instead of measuring now")
      ->type_name("FILE.json");
  app_->add_option("--json", json_,
                   "With --validate: also write the rows and summary ('-': stdout)")
      ->type_name("FILE");
  app_->callback([this] { validate(); });
}

void CalibrateCommand::validate() const {
  if (!measured_.empty()) {
    for (auto [given, flag] :
         {std::pair{quick_, "--quick"}, {force_, "--force"}, {pin_ >= 0, "--pin"}})
      if (given)
        throw CLI::ValidationError(flag, "does not go with --measured, which measures nothing");
  }
  if (validate_ && !output_.empty())
    throw CLI::ValidationError("--output",
                               "writes a preset; --validate checks one (give it --cpu)");
  if (!validate_) {
    for (auto [value, flag] : {std::pair{&cpu_, "--cpu"},
                               {&plot_, "--plot"},
                               {&json_, "--json"},
                               {&measured_, "--measured"}})
      if (!value->empty())
        throw CLI::ValidationError(flag, "belongs to --validate (calibrate measures this machine)");
  }
}

void CalibrateCommand::run() const { validate_ ? run_validate() : run_calibrate(); }

namespace {

// The fitted preset, checked; a fit that fails keeps the measurements beside `out` (as
// NAME.failed.json) and says where before the error goes on.
std::string fitted_preset_text(const FitInputs& in, const std::filesystem::path& out) {
  try {
    const FitOutcome fit = fit_preset(in);
    for (const std::string& line : fit.report) fmt::print("{}\n", line);
    std::string text = fit.preset.dump(2) + "\n";
    parse_cpu_model(text, out.string());
    return text;
  } catch (const std::exception& e) {
    std::filesystem::path kept = out;
    kept.replace_extension(".failed.json");
    write_file_atomically(kept, failed_fit_record(in, e.what()).dump(2) + "\n");
    std::cout.flush();
    fmt::print(stderr, "memvirt: calibrate: the fit failed; the measurements are kept in {}\n",
               kept.string());
    throw;
  }
}

}  // namespace

void CalibrateCommand::run_calibrate() const {
  const std::filesystem::path out =
      output_.empty() ? host_preset_path() : std::filesystem::path(output_);
  check_writable(out);
  FitInputs in;
  in.structure = read_machine_structure();
  in.base = nearest_preset(in.structure.cpu);
  in.quick = quick_;
  fmt::print("{}{}\nbase preset {}: {}\n", in.structure.cpu.describe(),
             in.structure.cpu.hypervisor ? ", a guest (CPUID hypervisor bit)" : "", in.base.name,
             in.base.why);
  for (const std::string& line : structure_report(in.structure)) fmt::print("{}\n", line);
  const RunOptions options = run_options(pin_, force_, quick_);
  const LoadSample before = check_quiet(options);
  fmt::print("{}{}; measuring on CPU {}\n", describe(before),
             is_quiet(before, options.limits) ? "" : " (busy: --force)", options.cpu);
  std::cout.flush();
  const std::vector<Series> plan = fit_plan(plan_sizes(in.structure, in.base.name), quick_);
  size_t points = 1;
  for (const Series& s : plan) points += s.points.size();
  const auto progress = progress_for(points);
  in.measured = measure_plan(plan, options, before, *progress);
  progress->close();
  in.date = now_iso8601();
  const std::string text = fitted_preset_text(in, out);
  write_preset_file(out, text);
  fmt::print("wrote {}{}\n", out.string(),
             output_.empty() ? " (use it with --cpu host)"
                             : fmt::format(" (use it with --cpu {})", out.string()));
}

void CalibrateCommand::run_validate() const {
  const std::string what = cpu_.empty() ? "host" : cpu_;
  std::vector<InputFile> inputs = cpu_inputs(what);
  if (!measured_.empty()) inputs.push_back({measured_, "the --measured file"});
  JsonOutput json(json_, inputs);
  CpuModel model = load_cpu_model(what);
  std::vector<ValidationRow> rows;
  nlohmann::ordered_json meta;
  if (measured_.empty()) {
    const RunOptions options = run_options(pin_, force_, quick_);
    const LoadSample before = check_quiet(options);
    pin_to_cpu(options.cpu);
    const double tsc = measure_tsc_ghz();
    const auto cpu = with_host_facts(std::move(model), tsc);
    const std::vector<WalkPoint> grid = validation_grid(quick_);
    const auto progress = progress_for(grid.size());
    rows = run_validation(cpu, grid, options.repeats, tsc, *progress);
    progress->close();
    meta = {{"preset", cpu->origin},         {"date", now_iso8601()},
            {"tsc_ghz", tsc},                {"pinned_cpu", options.cpu},
            {"forced", force_},              {"load_1min", before.load_average[0]},
            {"prediction", prediction_text(*cpu)}};
    print_header(json, fmt::format("checking {}; measured: rdtsc ticks per step (median of {})",
                                   cpu->origin, options.repeats),
                 meta);
  } else {
    const SavedValidation saved = read_saved_validation(measured_);
    const auto cpu = with_host_facts(std::move(model), saved.tsc_ghz);
    const auto progress = progress_for(saved.rows.size());
    rows = repredict_validation(cpu, saved, *progress);
    progress->close();
    meta = {{"preset", cpu->origin},
            {"date", saved.date},
            {"tsc_ghz", saved.tsc_ghz},
            {"measured_from", measured_},
            {"prediction", prediction_text(*cpu)}};
    print_header(json,
                 fmt::format("checking {}; measured: not now, taken from {} (measured {})",
                             cpu->origin, message_escape(measured_, kMessagePathLimit), saved.date),
                 meta);
  }
  const ValidationSummary summary = summarize(rows);
  const nlohmann::ordered_json report = validation_json(rows, summary, meta);
  if (!json.to_stdout()) fmt::print("{}", validation_table(rows, summary));
  json.write(report);
  if (!plot_.empty()) draw_validation_plot(rows, plot_);
}

}  // namespace memvirt
