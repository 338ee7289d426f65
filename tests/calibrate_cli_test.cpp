// `memvirt calibrate` through the real binary: a quick forced run writes a preset that parses,
// cites a source for every measured field and carries the host facts; `--validate --quick`
// prints its table; flags that do not belong are usage errors naming them. Structure only:
// nothing here depends on how fast this machine is.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "calibrate/preset_draft.hpp"
#include "kvm/host_cpu.hpp"
#include "support/run_binary.hpp"
#include "timing/cpu_model.hpp"
#include "support/text_contains.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;
using namespace test;

void expect_usage_error(const std::vector<std::string>& args, const std::string& flag) {
  const Outcome o = run_memvirt(args);
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_TRUE(contains(o.err, flag)) << flag << " in: " << o.err;
}

void expect_host_facts(const CpuModel& m) {
  ASSERT_TRUE(m.host);
  const HostCpu here = read_host_cpu();
  EXPECT_EQ(m.host->cpu, here.describe());
  EXPECT_EQ(m.host->guest, here.hypervisor);
  EXPECT_GT(m.host->tsc_ghz, 0);
  if (!here.hypervisor) {
    EXPECT_FALSE(m.host->outer_page);
  }
}

void expect_sources(const nlohmann::json& sources) {
  for (const std::string& key : measured_source_keys()) {
    ASSERT_TRUE(sources.contains(key)) << key;
    const std::string text = sources.at(key).get<std::string>();
    // A quick run may not fit every curve; then the source says so and names the base preset.
    EXPECT_TRUE(text.rfind("measured:", 0) == 0 || text.rfind("fit:", 0) == 0 ||
                text.rfind("assumption: as preset", 0) == 0)
        << key << ": " << text;
  }
  for (const char* key : {"host.guest", "host.outer_page", "host.tsc_ghz"})
    EXPECT_TRUE(sources.contains(key)) << key;
  EXPECT_EQ(sources.at("core_ghz").get<std::string>().rfind("measured:", 0), 0u);
}

void expect_series(const nlohmann::json& c) {
  EXPECT_TRUE(c.at("quick").get<bool>());
  EXPECT_TRUE(c.at("forced").get<bool>());
  EXPECT_FALSE(c.at("date").get<std::string>().empty());
  std::vector<std::string> names;
  for (const auto& s : c.at("series")) {
    names.push_back(s.at("name").get<std::string>());
    EXPECT_FALSE(s.at("points").empty());
    for (const auto& p : s.at("points")) EXPECT_GT(p.at("ticks").get<double>(), 0);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"caches", "caches-4k", "tlb-4k", "tlb-2m", "stream",
                                            "stride"}));
}

// One process per test under ctest: the quick calibration runs once, and is checked for all of
// its structure here.
TEST(CalibrateCli, QuickForcedRunWritesAPresetWithSourcesHostFactsAndSeries) {
  const fs::path dir = scratch_file("calibrate-smoke");
  const fs::path preset = dir / "nested" / "host.json";  // the directory is made
  const Outcome o = run_memvirt({"calibrate", "--quick", "--force", "-o", preset.string()});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_TRUE(contains(o.out, "wrote " + preset.string())) << o.out;
  EXPECT_TRUE(contains(o.out, "base preset")) << o.out;
  const std::string text = read_file(preset);
  const CpuModel m = parse_cpu_model(text, preset.string());
  EXPECT_EQ(m.name, "host");
  EXPECT_GT(m.core_ghz, 0);
  expect_host_facts(m);
  const auto j = nlohmann::json::parse(text);
  expect_sources(j.at("sources"));
  expect_series(j.at("calibration"));
  fs::remove_all(dir);
}

TEST(CalibrateCli, QuickValidationPrintsMeasuredAgainstPredicted) {
  const Outcome o = run_memvirt({"calibrate", "--validate", "--quick", "--force", "--cpu", "zen3"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_TRUE(contains(o.out, "checking preset zen3")) << o.out;
  EXPECT_TRUE(contains(o.out, "working set")) << o.out;
  EXPECT_TRUE(contains(o.out, "predicted")) << o.out;
  EXPECT_TRUE(contains(o.out, "4 points: median absolute error")) << o.out;
  size_t rows = 0;
  std::istringstream lines(o.out);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line.back() == '%') ++rows;  // each row ends with its error
  EXPECT_EQ(rows, 4u) << o.out;
}

TEST(CalibrateCli, QuickValidationJsonHasRowsAndSummary) {
  const Outcome o = run_memvirt(
      {"calibrate", "--validate", "--quick", "--force", "--cpu", "zen3", "--json", "-"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const auto j = nlohmann::json::parse(o.out);
  ASSERT_EQ(j.at("rows").size(), 4u);
  for (const auto& r : j.at("rows")) {
    for (const char* key : {"ws", "order", "npad", "page", "measured_ticks", "predicted_ticks",
                            "core_ghz", "error"})
      EXPECT_TRUE(r.contains(key)) << key;
    // The clock read around the point, that turned its predicted cycles into ticks.
    EXPECT_GT(r.at("core_ghz").get<double>(), 0.1);
  }
  for (const char* key : {"points", "median_abs_error", "worst_ratio", "worst_point"})
    EXPECT_TRUE(j.at("summary").contains(key)) << key;
}

TEST(CalibrateCli, FlagsOfTheOtherFormAreUsageErrors) {
  expect_usage_error({"calibrate", "--validate", "-o", "x.json"}, "--output");
  expect_usage_error({"calibrate", "--cpu", "zen3"}, "--cpu");
  expect_usage_error({"calibrate", "--plot", "x.svg"}, "--plot");
  expect_usage_error({"calibrate", "--json", "x.json"}, "--json");
}

TEST(CalibrateCli, BadValuesAreUsageErrorsNamingTheFlag) {
  expect_usage_error({"calibrate", "--pin", "100000"}, "--pin");
  expect_usage_error({"calibrate", "--pin", "one"}, "--pin");
  expect_usage_error({"calibrate", "--validate", "--plot", "x.gif"}, "--plot");
  expect_usage_error({"calibrate", "--validate", "--cpu", "zen9"}, "--cpu");
  expect_usage_error({"calibrate", "--fast"}, "--fast");
}

TEST(CalibrateCli, UnwritableOutputFailsBeforeMeasuring) {
  const Outcome o = run_memvirt({"calibrate", "--force", "-o", "/proc/memvirt-nowhere/host.json"});
  EXPECT_EQ(o.exit_code, 1) << o.err;
  EXPECT_TRUE(contains(o.err, "/proc/memvirt-nowhere")) << o.err;
  EXPECT_FALSE(contains(o.err, "caches ")) << "measured before failing: " << o.err;
}

}  // namespace
}  // namespace memvirt
