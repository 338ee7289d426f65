// What a resumed sweep and a merge may keep: rows whose configuration, preset and trace are the
// ones of this sweep. Another sweep's rows, rows from an edited preset or trace, and rows that
// disagree are never kept silently.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/sweep_inputs.hpp"
#include "sim/sweep_results.hpp"
#include "support/run_binary.hpp"
#include "support/scratch_dir.hpp"
#include "timing/cpu_model.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace test;

constexpr const char* kTrace =
    "I  04010173,3\n L 04222cac,8\n S 04222ca4,8\nI  04010176,4\n L 04223000,8\n";

std::vector<std::string> sweep(const std::string& workloads, const fs::path& out,
                               std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"sweep", "--workload", workloads, "--mode",    "native,nested",
                                   "-j",    "1",          "-o",      out.string()};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST(SweepResume, RerunsWhenPresetChanged) {
  const fs::path dir = fresh_dir("resume-preset");
  const std::string preset = (dir / "p.json").string();
  write_text(preset, cpu_preset_text("zen3"));
  const auto args = sweep("random:ws=64KiB,steps=500", dir / "r.json", {"--cpu", preset});
  ASSERT_EQ(run_memvirt(args).exit_code, 0);
  const Outcome same = run_memvirt(args);
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_TRUE(contains(same.out, "0 run now, 2 kept")) << same.out;
  json edited = json::parse(cpu_preset_text("zen3"));
  edited["core_ghz"] = edited["core_ghz"].get<double>() * 2;
  write_text(preset, edited.dump(2));
  const Outcome changed = run_memvirt(args);
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_TRUE(contains(changed.out, "2 run now, 0 kept")) << changed.out;
  EXPECT_TRUE(contains(changed.out, "2 rerun, their preset or trace changed")) << changed.out;
  fs::remove_all(dir);
}

TEST(SweepResume, RerunsWhenTraceChanged) {
  const fs::path dir = fresh_dir("resume-trace");
  const fs::path trace = dir / "t.lackey";
  write_text(trace, kTrace);
  const auto args = sweep("trace:" + trace.string(), dir / "r.json", {"--cpu", "none"});
  ASSERT_EQ(run_memvirt(args).exit_code, 0);
  const json first = json::parse(read_file(dir / "r.json"));
  EXPECT_TRUE(first["results"][0]["inputs"]["trace"].get<std::string>().starts_with("fnv1a64:"));
  write_text(trace, std::string(kTrace) + " L 04300000,8\n");
  const Outcome changed = run_memvirt(args);
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_TRUE(contains(changed.out, "2 run now, 0 kept")) << changed.out;
  const json second = json::parse(read_file(dir / "r.json"));
  EXPECT_NE(second["results"][0]["accesses"], first["results"][0]["accesses"]);
  fs::remove_all(dir);
}

TEST(SweepResume, RefusesToDropAnotherSweepsRows) {
  const fs::path dir = fresh_dir("resume-other");
  const fs::path out = dir / "r.json";
  ASSERT_EQ(
      run_memvirt(sweep("random:ws=64KiB,steps=500,random:ws=128KiB,steps=500", out)).exit_code, 0);
  const std::string before = read_file(out);
  const Outcome o = run_memvirt(sweep("random:ws=256KiB,steps=500", out));
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_TRUE(contains(o.err, "4 results of configurations that are not in this sweep")) << o.err;
  EXPECT_TRUE(contains(o.err, "--no-resume")) << o.err;
  EXPECT_EQ(read_file(out), before);
  // A wider sweep keeps the rows it shares.
  const Outcome wider = run_memvirt(sweep(
      "random:ws=64KiB,steps=500,random:ws=128KiB,steps=500,random:ws=256KiB,steps=500", out));
  ASSERT_EQ(wider.exit_code, 0) << wider.err;
  EXPECT_TRUE(contains(wider.out, "2 run now, 4 kept")) << wider.out;
  fs::remove_all(dir);
}

TEST(SweepResume, RefusesDirectoryOutput) {
  const fs::path dir = fresh_dir("resume-directory");
  const Outcome o = run_memvirt(sweep("random:ws=64KiB,steps=500", dir));
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_TRUE(contains(o.err, "is a directory")) << o.err;
  EXPECT_FALSE(contains(o.err, "basic_ios")) << o.err;
  fs::remove_all(dir);
}

TEST(SweepResume, RefusesOutputThatIsItsTrace) {
  const fs::path dir = fresh_dir("resume-its-trace");
  const fs::path trace = dir / "t.lackey";
  write_text(trace, kTrace);
  const Outcome o = run_memvirt(sweep("trace:" + trace.string(), trace));
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_EQ(read_file(trace), kTrace);
  fs::remove_all(dir);
}

TEST(MergeRefuses, DisagreeingRows) {
  const fs::path dir = fresh_dir("resume-merge");
  ASSERT_EQ(run_memvirt(sweep("random:ws=64KiB,steps=500", dir / "a.json")).exit_code, 0);
  json doc = json::parse(read_file(dir / "a.json"));
  write_text(dir / "same.json", doc.dump(2) + "\n");
  doc["results"][1]["accesses"] = 424242;
  write_text(dir / "b.json", doc.dump(2) + "\n");
  const fs::path merged = dir / "m.json";
  const Outcome same = run_memvirt(
      {"merge", "-o", merged.string(), (dir / "a.json").string(), (dir / "same.json").string()});
  EXPECT_EQ(same.exit_code, 0) << same.err;  // identical rows are one row
  EXPECT_EQ(read_file(merged), read_file(dir / "a.json"));
  const Outcome o = run_memvirt(
      {"merge", "-o", merged.string(), (dir / "a.json").string(), (dir / "b.json").string()});
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_TRUE(contains(o.err, "configuration 1 (random:ws=64KiB")) << o.err;
  EXPECT_TRUE(contains(o.err, "a.json") && contains(o.err, "b.json")) << o.err;
  EXPECT_EQ(read_file(merged), read_file(dir / "a.json"));  // the earlier merge stays
  fs::remove_all(dir);
}

TEST(MergeRefuses, OutputThatIsAnInput) {
  const fs::path dir = fresh_dir("resume-merge-input");
  ASSERT_EQ(run_memvirt(sweep("random:ws=64KiB,steps=500", dir / "a.json")).exit_code, 0);
  const std::string before = read_file(dir / "a.json");
  const Outcome o =
      run_memvirt({"merge", "-o", (dir / "a.json").string(), (dir / "a.json").string()});
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_TRUE(contains(o.err, "an input of the merge")) << o.err;
  EXPECT_EQ(read_file(dir / "a.json"), before);
  fs::remove_all(dir);
}

SweepLists two_configs() {
  return {{"random:ws=64KiB"}, {"native", "nested"}, {"4k"}, {"vpid"}, {}, {}};
}

json row_of(const SweepPoint& p, int value) {
  return {{"workload", p.workload},
          {"mode", p.mode},
          {"page", p.page},
          {"tlb_tag", p.tlb_tag},
          {"value", value}};
}

TEST(SweepResults, ConflictTakesNothing) {
  SweepResults first(two_configs());
  first.set(0, row_of(first.points()[0], 1));
  SweepResults second(two_configs());
  second.set(0, row_of(second.points()[0], 2));
  second.set(1, row_of(second.points()[1], 3));
  SweepResults merged(two_configs());
  EXPECT_EQ(merged.adopt(first.to_json(), "first.json"), 1u);
  EXPECT_THROW(merged.adopt(second.to_json(), "second.json"), ResultsConflict);
  EXPECT_FALSE(merged.has(1));  // configuration 1 agreed, but nothing of a refused file is taken
}

TEST(SweepResults, StaleRowsAreForgotten) {
  SweepResults results(two_configs());
  json old_row = row_of(results.points()[0], 1);
  old_row["inputs"] = {{"cpu", "fnv1a64:0000000000000001"}};
  results.set(0, old_row);
  results.set(1, row_of(results.points()[1], 2));  // from before rows carried their inputs
  const std::vector<json> now = {{{"cpu", "fnv1a64:0000000000000002"}},
                                 {{"cpu", "fnv1a64:0000000000000002"}}};
  EXPECT_EQ(forget_stale_rows(results, {0, 1}, now), 2u);
  EXPECT_EQ(results.finished(), 0u);
}

TEST(ResultsReader, NamesTheFileAndWhatIsWrong) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"sweep\": {}, \"results\": []}", "\"workloads\""},
      {R"({"sweep": {"workloads": ["a"], "modes": ["warp"], "pages": ["4k"], "tlb_tags": ["vpid"],
           "cpus": [], "flags": []}, "results": []})",
       "\"modes\"[0]"},
      {R"({"sweep": {"workloads": ["a", "a"], "modes": ["native"], "pages": ["4k"],
           "tlb_tags": ["vpid"], "cpus": [], "flags": []}, "results": []})",
       "\"workloads\"[1]"},
      {R"({"sweep": {"workloads": ["a"], "modes": ["native"], "pages": ["4k"],
           "tlb_tags": ["vpid"], "cpus": [], "flags": []}, "results": [{"workload": 1}]})",
       "row 0"},
      {"[1, 2", "not JSON"},
  };
  for (const auto& [text, expected] : cases) {
    try {
      parse_results_document(text, "f.json");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const std::runtime_error& e) {
      EXPECT_TRUE(contains(e.what(), "f.json")) << e.what();
      EXPECT_TRUE(contains(e.what(), expected)) << e.what();
    }
  }
}

TEST(ResultsReader, RefusesASweepTooLargeToHold) {
  json workloads = json::array();
  json cpus = json::array();
  for (int i = 0; i < 2000; ++i) {
    workloads.push_back("w" + std::to_string(i));
    cpus.push_back("c" + std::to_string(i));
  }
  const json doc = {{"sweep",
                     {{"workloads", workloads},
                      {"modes", {"native"}},
                      {"pages", {"4k"}},
                      {"tlb_tags", {"vpid"}},
                      {"cpus", cpus},
                      {"flags", json::array()}}},
                    {"results", json::array()}};
  EXPECT_THROW(parse_results_document(doc.dump(), "big.json"), std::runtime_error);
}

}  // namespace
}  // namespace memvirt
