// Which CPU model `memvirt compare` predicts with: --cpu always, else the machine's calibrated
// preset, else the preset CPUID suggests with a warning; and that the model's clock sets the
// predicted ticks.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kvm/host_cpu.hpp"
#include "sim/cpu_preset_choice.hpp"
#include "support/compare_setup.hpp"
#include "support/run_binary.hpp"

namespace memvirt {
namespace {

using namespace test;
using nlohmann::json;

struct CompareRun {
  Outcome outcome;
  json report;
};

CompareRun compare(const ConfigHome& home, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {
      "compare", "--workload", "listwalk:ws=256KiB,steps=20000", "--repeats", "1", "--json", "-"};
  args.insert(args.end(), extra.begin(), extra.end());
  CompareRun run{run_memvirt(args, home.env()), json::object()};
  EXPECT_EQ(run.outcome.exit_code, 0) << run.outcome.err;
  if (run.outcome.exit_code == 0) run.report = json::parse(run.outcome.out);
  return run;
}

// A zen3 preset with the facts `memvirt calibrate` adds about this machine.
json calibrated_preset(const std::string& outer_page) {
  const HostCpu cpu = read_host_cpu();
  json preset = embedded_preset("zen3");
  preset["name"] = "calibrated-here";
  preset["host"] = {{"cpu", fmt::format("{} family {} model {}: {}", cpu.vendor, cpu.family,
                                        cpu.model, cpu.brand)},
                    {"guest", cpu.hypervisor},
                    {"outer_page", outer_page},
                    {"tsc_ghz", 2.0}};
  return preset;
}

// Model cycles become ticks at the core clock measured around the run, whatever the preset says.
void expect_ticks_from_measured_clock(const json& report) {
  const double tsc = report["tsc_ghz"].get<double>();
  const double core = report["core_ghz_measured"].get<double>();
  EXPECT_GT(core, 0.1);
  for (const json& row : report["rows"]) {
    const json& cycles = row[row["kind"] == "measured" ? "predicted_cycles_per_step" : "cycles_per_step"];
    const json& ticks = row[row["kind"] == "measured" ? "predicted_ticks_per_step" : "ticks_per_step"];
    if (cycles.is_null()) continue;
    EXPECT_NEAR(ticks.get<double>(), cycles.get<double>() * tsc / core, 1e-9 * ticks.get<double>())
        << row["where"];
  }
}

TEST(CompareCpu, UncalibratedMachineUsesTheCpuidPresetAndWarns) {
  const ConfigHome home;
  const CompareRun run = compare(home);
  const PresetChoice choice = preset_for_cpu(read_host_cpu());
  EXPECT_EQ(run.report["cpu"]["name"], choice.preset);
  EXPECT_EQ(run.report["cpu"]["chosen_by"], "CPUID: " + choice.reason);
  EXPECT_FALSE(run.report["calibrated"].get<bool>());
  EXPECT_NE(run.outcome.err.find("not calibrated"), std::string::npos) << run.outcome.err;
  EXPECT_NE(run.outcome.err.find("memvirt calibrate"), std::string::npos) << run.outcome.err;
}

TEST(CompareCpu, CalibratedPresetIsTheDefaultAndItsOuterPageIsUsed) {
  const ConfigHome home;
  write_json_file(home.host_preset(), calibrated_preset("2m"));
  const CompareRun run = compare(home);
  EXPECT_EQ(run.outcome.err, "");
  EXPECT_EQ(run.report["cpu"]["name"], "calibrated-here");
  EXPECT_EQ(run.report["cpu"]["origin"], home.host_preset().string());
  EXPECT_TRUE(run.report["calibrated"].get<bool>());
  EXPECT_EQ(run.report["machine"]["outer_page"], "2m");
  if (!read_host_cpu().hypervisor) GTEST_SKIP() << "bare metal: no outer page to predict with";
  EXPECT_EQ(run.report["rows"][0]["predicted_as"],
            "nested 4k/2m (guest of an outer hypervisor, outer pages 2m)");
}

TEST(CompareCpu, PresetOfAnotherProcessorIsUsedWithAWarning) {
  const ConfigHome home;
  json preset = calibrated_preset("4k");
  preset["host"]["cpu"] = "NoSuchVendor family 99 model 1: elsewhere";
  write_json_file(home.host_preset(), preset);
  const CompareRun run = compare(home);
  EXPECT_EQ(run.report["cpu"]["name"], "calibrated-here");
  EXPECT_NE(run.outcome.err.find("was calibrated on NoSuchVendor"), std::string::npos)
      << run.outcome.err;
}

TEST(CompareCpu, ExplicitPresetFileWinsAndTheMeasuredClockTurnsItsCyclesIntoTicks) {
  const ConfigHome home;
  write_json_file(home.host_preset(), calibrated_preset("4k"));
  json slow = embedded_preset("zen3");
  slow["core_ghz"] = slow["core_ghz"].get<double>() / 2;
  const std::string slow_path = write_json_file(home.file("slow.json"), slow).string();
  const CompareRun s = compare(home, {"--cpu", slow_path});
  EXPECT_EQ(s.report["cpu"]["origin"], slow_path);
  EXPECT_EQ(s.report["cpu"]["chosen_by"], "--cpu");
  EXPECT_EQ(s.report["cpu"]["core_ghz"].get<double>(), slow["core_ghz"].get<double>());
  EXPECT_FALSE(s.report["calibrated"].get<bool>());
  expect_ticks_from_measured_clock(s.report);
}

TEST(CompareCpu, UnreadableCalibratedPresetIsARuntimeErrorNamingIt) {
  const ConfigHome home;
  write_json_file(home.host_preset(), json{{"name", "broken"}});
  const Outcome o = run_memvirt(
      {"compare", "--workload", "listwalk:ws=256KiB,steps=20000", "--repeats", "1"}, home.env());
  EXPECT_EQ(o.exit_code, 1) << o.err;
  EXPECT_NE(o.err.find(home.host_preset().string()), std::string::npos) << o.err;
}

TEST(CompareCpu, PresetWithoutAClockIsARuntimeErrorNamingTheField) {
  const ConfigHome home;
  json preset = embedded_preset("zen3");
  preset["core_ghz"] = 0;
  const std::string path = write_json_file(home.file("clockless.json"), preset).string();
  const Outcome o = run_memvirt(
      {"compare", "--workload", "listwalk:ws=256KiB,steps=20000", "--repeats", "1", "--cpu", path},
      home.env());
  EXPECT_EQ(o.exit_code, 1) << o.err;
  EXPECT_NE(o.err.find(path + ": field 'core_ghz' must be above 0"), std::string::npos) << o.err;
}

}  // namespace
}  // namespace memvirt
