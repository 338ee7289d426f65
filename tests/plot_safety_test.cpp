// `memvirt plot` on results files from someone else: their strings reach gnuplot as text only,
// and every way gnuplot can fail is reported, never a picture on stdout or a silent success.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "report/plot_data.hpp"
#include "report/plot_render.hpp"
#include "report/plot_script.hpp"
#include "support/gnuplot_lint.hpp"
#include "support/results_samples.hpp"
#include "support/run_binary.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace test;

// Every string a picture takes from the rows carries a way out of a gnuplot string: a newline
// and a command, backquotes (command substitution in double quotes), quotes, a macro.
json hostile_results(const fs::path& pwned) {
  const std::string touch = "touch " + pwned.string();
  json doc = sample_results();
  json& rows = doc["results"];
  rows[0]["mode"] = "native\nsystem '" + touch + "'\n#";
  rows[1]["page"] = "4k`" + touch + "`";
  rows[2]["tlb_tag"] = "x\" . system(\"" + touch + "\") . \"";
  rows[3]["workload"] = "listwalk:ws=64KiB,npad=0\n!" + touch + "\nEOD";
  rows[4]["cpu"] = "it's @zen3 \x1b[2J \\'' \\";
  rows[5]["mode"] = "<script>alert(1)</script>&amp;";  // an SVG is opened in browsers
  for (json& row : rows)
    row["cycles"] = {{"total", 5000},
                     {"by_category", {{"data", 3000}, {"tlb\nsystem '" + touch + "'", 2000}}}};
  return doc;
}

TEST(PlotSafety, ScriptsHoldOnlyPrintableTextWhateverTheRowsSay) {
  const json doc = hostile_results("/nonexistent/PWNED");
  for (const std::string& script : {curve_script(curve_data(doc), "svg"),
                                    breakdown_script(breakdown_data(doc, std::nullopt), "svg")}) {
    EXPECT_TRUE(gnuplot_script_inert(script)) << script;
    EXPECT_EQ(script.find("\nsystem"), std::string::npos) << script;
  }
}

TEST(PlotSafety, PlotNeverRunsCodeFromResults) {
  if (!find_gnuplot()) GTEST_SKIP() << "gnuplot is not installed (apt-get install gnuplot-nox)";
  const fs::path dir = make_scratch_dir("memvirt-plot-hostile");
  const fs::path pwned = dir / "PWNED";
  std::ofstream(dir / "evil.json") << hostile_results(pwned).dump(2);
  for (const std::string kind : {"curve", "breakdown"}) {
    const fs::path svg = dir / (kind + ".svg");
    const Outcome o =
        run_memvirt({"plot", (dir / "evil.json").string(), "-o", svg.string(), "--kind", kind});
    EXPECT_EQ(o.exit_code, 0) << o.err;
    EXPECT_NE(read_file(svg).find("<svg"), std::string::npos) << kind;
    EXPECT_EQ(read_file(svg).find("<script"), std::string::npos);
  }
  EXPECT_FALSE(fs::exists(pwned));
  fs::remove_all(dir);
}

TEST(PlotSafety, OutputNameWithAControlCharacterIsAUsageError) {
  const fs::path dir = make_scratch_dir("memvirt-plot-badname");
  std::ofstream(dir / "results.json") << sample_results().dump(2);
  const Outcome o = run_memvirt({"plot", (dir / "results.json").string(), "-o",
                                 (dir / "x\nsystem 'touch PWNED'\n#.svg").string()});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("x\\nsystem 'touch PWNED'\\n#.svg' holds a control character"),
            std::string::npos)
      << o.err;
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  fs::remove_all(dir);
}

TEST(PlotSafety, UnwritableOutputFailsBeforeGnuplotAndPrintsNoPicture) {
  if (!find_gnuplot()) GTEST_SKIP() << "gnuplot is not installed (apt-get install gnuplot-nox)";
  const fs::path dir = make_scratch_dir("memvirt-plot-unwritable");
  std::ofstream(dir / "results.json") << sample_results().dump(2);
  for (const fs::path& out : {dir / "missing" / "x.png", dir / "adir.svg"}) {
    fs::create_directories(dir / "adir.svg");
    const Outcome o = run_memvirt({"plot", (dir / "results.json").string(), "-o", out.string()});
    EXPECT_EQ(o.exit_code, 1);
    EXPECT_EQ(o.out, "");
    EXPECT_NE(o.err.find("cannot write the picture '" + out.string() + "'"), std::string::npos)
        << o.err;
  }
  fs::remove_all(dir);
}

// The script is far longer than a pipe holds, and gnuplot stops at its first line.
TEST(PlotSafety, GnuplotStoppingEarlyIsAnErrorNotASigpipe) {
  if (!find_gnuplot()) GTEST_SKIP() << "gnuplot is not installed (apt-get install gnuplot-nox)";
  const fs::path dir = make_scratch_dir("memvirt-plot-early");
  std::string script = "this_is_not_a_gnuplot_command\n";
  while (script.size() < 1024 * 1024)
    script += "# a long comment line, so that the pipe fills up\n";
  EXPECT_THROW(render_picture(script, (dir / "x.svg").string()), std::runtime_error);
  EXPECT_TRUE(fs::is_empty(dir));  // no picture, no temporary file
  fs::remove_all(dir);
}

TEST(PlotSafety, GnuplotDrawingNothingIsAFailureAndKeepsTheOldPicture) {
  if (!find_gnuplot()) GTEST_SKIP() << "gnuplot is not installed (apt-get install gnuplot-nox)";
  const fs::path dir = make_scratch_dir("memvirt-plot-nothing");
  const fs::path svg = dir / "x.svg";
  std::ofstream(svg) << "old picture";
  try {
    render_picture("set terminal svg\nprint 'no plot command'\n", svg.string());
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("nothing was drawn"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_file(svg), "old picture");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  fs::remove_all(dir);
}

TEST(PlotSafety, PictureReplacesTheOldOneWhenGnuplotSucceeds) {
  if (!find_gnuplot()) GTEST_SKIP() << "gnuplot is not installed (apt-get install gnuplot-nox)";
  const fs::path dir = make_scratch_dir("memvirt-plot-replace");
  const fs::path svg = dir / "x.svg";
  std::ofstream(svg) << "old picture";
  render_picture(curve_script(curve_data(sample_results()), "svg"), svg.string());
  EXPECT_NE(read_file(svg).find("<svg"), std::string::npos);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace memvirt
