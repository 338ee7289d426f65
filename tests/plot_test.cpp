// `memvirt plot`: the data arranged for the pictures, the gnuplot script, and (where gnuplot is
// installed) a real PNG.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "report/plot_data.hpp"
#include "report/plot_render.hpp"
#include "report/plot_script.hpp"
#include "support/results_samples.hpp"
#include "support/text_contains.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::sample_results;

using test::contains;

TEST(PlotData, CurvesAreOneSeriesPerModeAndPageInWorkingSetOrder) {
  const CurveData data = curve_data(sample_results());
  ASSERT_EQ(data.series.size(), 2u);
  EXPECT_EQ(data.series[0].title, "native 4k");
  EXPECT_EQ(data.series[1].title, "nested 4k");
  ASSERT_EQ(data.series[1].points.size(), 3u);
  EXPECT_EQ(data.series[1].points[2].working_set, 262144u);
  EXPECT_DOUBLE_EQ(data.series[1].points[2].per_access, 8.192);  // 8192 refs / 1000 accesses
  EXPECT_EQ(data.y_label, "page-walk memory references per access (from the first touch)");
  EXPECT_EQ(data.workload, "listwalk:npad=0");
}

TEST(PlotData, AxisSaysWhetherTheRowsAreSteadyState) {
  json doc = sample_results();
  for (json& r : doc["results"]) r["warmup"] = 5000;
  EXPECT_EQ(curve_data(doc).y_label, "page-walk memory references per access (steady state)");
  EXPECT_EQ(breakdown_data(doc, std::nullopt).y_label,
            "memory references per access (steady state)");
  doc["results"][0]["warmup"] = 0;
  EXPECT_EQ(curve_data(doc).y_label,
            "page-walk memory references per access (warm-up differs between rows)");
}

TEST(PlotData, CyclesAreUsedWhenEveryRowHasThem) {
  json doc = sample_results();
  for (json& r : doc["results"])
    r["cycles"] = {
        {"total", 5000}, {"per_access", 5.0}, {"by_category", {{"data", 3000}, {"tlb", 2000}}}};
  EXPECT_EQ(curve_data(doc).y_label, "model cycles per access (from the first touch)");
  EXPECT_DOUBLE_EQ(curve_data(doc).series[0].points[0].per_access, 5.0);
  const BreakdownData bars = breakdown_data(doc, std::nullopt);
  EXPECT_EQ(bars.categories, (std::vector<std::string>{"data", "tlb"}));
  EXPECT_DOUBLE_EQ(bars.bars[0].parts[1], 2.0);
}

TEST(PlotData, BreakdownStacksReferencesAtTheLargestWorkingSet) {
  const BreakdownData data = breakdown_data(sample_results(), std::nullopt);
  EXPECT_EQ(data.title, "listwalk:npad=0, working set 256KiB");
  ASSERT_EQ(data.bars.size(), 2u);
  EXPECT_EQ(data.bars[1].label, "nested 4k");
  EXPECT_EQ(data.bars[1].parts, (std::vector<double>{1.0, 2.048, 6.144}));
  EXPECT_EQ(breakdown_data(sample_results(), 16384).title, "listwalk:npad=0, working set 16KiB");
  EXPECT_THROW(breakdown_data(sample_results(), 1000), std::runtime_error);
}

TEST(PlotData, WorkingSetLeavesTheCurvesName) {
  EXPECT_EQ(workload_without_ws("listwalk:ws=64MiB,npad=7"), "listwalk:npad=7");
  EXPECT_EQ(workload_without_ws("random:steps=5,ws=1GiB"), "random:steps=5");
  EXPECT_EQ(workload_without_ws("churn:maps=4"), "churn:maps=4");
}

TEST(PlotScript, CurveScriptHasLog2AxisSizeLabelsAndEverySeries) {
  const std::string script = curve_script(curve_data(sample_results()), "pngcairo");
  EXPECT_TRUE(contains(script, "set terminal pngcairo")) << script;
  EXPECT_FALSE(contains(script, "set output"));  // the picture comes back on gnuplot's stdout
  EXPECT_TRUE(contains(script, "set logscale x 2"));
  EXPECT_TRUE(contains(script, "set xtics ('16KiB' 16384, '32KiB' 32768"));
  EXPECT_TRUE(contains(script, "'256KiB' 262144)"));
  EXPECT_TRUE(contains(script, "$s0 << EOD\n16384 0.064\n65536 0.256\n262144 1.024\nEOD"));
  EXPECT_TRUE(contains(script, "title 'native 4k'"));
  EXPECT_TRUE(contains(script, "title 'nested 4k'"));
}

TEST(PlotScript, BreakdownScriptStacksRowsWithColumnTitles) {
  const std::string script =
      breakdown_script(breakdown_data(sample_results(), std::nullopt), "svg");
  EXPECT_TRUE(contains(script, "set terminal svg"));
  EXPECT_TRUE(contains(script, "set style histogram rowstacked"));
  EXPECT_TRUE(contains(script, "set xtics rotate by -30 ('native 4k' 0, 'nested 4k' 1)"));
  EXPECT_TRUE(contains(script, "$bars << EOD\n1 0.256 0.768\n1 2.048 6.144\nEOD\n"));
  EXPECT_TRUE(contains(script, "$bars using 1 title 'data access'"));
  EXPECT_TRUE(contains(script, "$bars using 3 title 'nested-dimension walk'"));
}

TEST(PlotScript, SizeTicsThinOutToAboutADozen) {
  EXPECT_EQ(size_tics(16384, 262144), (std::vector<uint64_t>{16384, 32768, 65536, 131072, 262144}));
  EXPECT_EQ(size_tics(1000, 3000), (std::vector<uint64_t>{512, 1024, 2048, 4096}));
  EXPECT_LE(size_tics(1024, uint64_t{1} << 40).size(), 12u);
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs the real binary with `env` before it (e.g. "PATH=/nowhere"); returns the exit code.
int memvirt(const std::string& env, const std::string& args, const fs::path& err) {
  const std::string command = "env " + env + " '" + std::string(MEMVIRT_BIN) + "' " + args +
                              " >/dev/null 2>'" + err.string() + "'";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

fs::path written_sample(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / (name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "results.json") << sample_results().dump(2);
  return dir;
}

TEST(PlotCli, GnuplotWritesARealPng) {
  if (!find_gnuplot()) GTEST_SKIP() << "gnuplot is not installed (apt-get install gnuplot-nox)";
  const fs::path dir = written_sample("memvirt-plot-png");
  for (const std::string kind : {"curve", "breakdown"}) {
    const fs::path png = dir / (kind + ".png");
    const std::string args =
        "plot '" + (dir / "results.json").string() + "' -o '" + png.string() + "' --kind " + kind;
    ASSERT_EQ(memvirt("", args, dir / "err"), 0) << slurp(dir / "err");
    const std::string bytes = slurp(png);
    ASSERT_GT(bytes.size(), 2000u);
    EXPECT_EQ(bytes.substr(0, 8), "\x89PNG\r\n\x1a\n");
  }
  fs::remove_all(dir);
}

TEST(PlotCli, MissingGnuplotIsAnErrorNamingThePackage) {
  const fs::path dir = written_sample("memvirt-plot-nognuplot");
  const std::string args =
      "plot '" + (dir / "results.json").string() + "' -o '" + (dir / "x.png").string() + "'";
  EXPECT_EQ(memvirt("PATH=/nonexistent", args, dir / "err"), 1);
  EXPECT_TRUE(contains(slurp(dir / "err"), "gnuplot-nox")) << slurp(dir / "err");
  EXPECT_EQ(memvirt("", args + " --kind pie", dir / "err"), 2);
  EXPECT_EQ(memvirt("", "plot '" + (dir / "results.json").string() + "' -o x.jpg", dir / "err"), 2);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace memvirt
