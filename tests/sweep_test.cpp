// `memvirt sweep` and `memvirt merge`: the configurations, their order, resuming, batch jobs, and
// that the results do not depend on the number of threads.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/progress.hpp"
#include "sim/sweep_jobs.hpp"
#include "sim/sweep_plan.hpp"
#include "sim/sweep_results.hpp"
#include "sim/sweep_runner.hpp"
#include "sim/sweep_workloads.hpp"
#include "support/run_binary.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace test;

// A directory of its own for each test: ctest runs tests in parallel.
fs::path scratch_dir(const std::string& name) { return make_scratch_dir("memvirt-sweep-" + name); }

// 3 working sets x 3 modes x 2 page sizes: small enough for a sanitizer build.
std::vector<std::string> small_sweep(const fs::path& out, const std::string& threads) {
  return {"sweep",
          "--workload",
          "listwalk:ws=16KiB,steps=2000,listwalk:ws=64KiB,steps=2000,"
          "listwalk:ws=256KiB,steps=2000",
          "--mode",
          "native,shadow,nested",
          "--page",
          "4k,2m",
          "-j",
          threads,
          "-o",
          out.string()};
}

SweepLists lists_of(std::vector<std::string> workloads, std::vector<std::string> modes) {
  return {std::move(workloads), std::move(modes), {"4k", "2m"}, {"vpid"}, {}, {"--seed=3"}};
}

TEST(SweepPlan, CrossProductPutsWorkloadOutermostAndCpuInnermost) {
  SweepLists lists = lists_of({"a", "b"}, {"native", "nested"});
  lists.cpus = {"zen3", "skylake"};
  const std::vector<SweepPoint> points = cross_product(lists);
  ASSERT_EQ(points.size(), 16u);
  EXPECT_EQ(point_key(points[0]), "a|native|4k|vpid|zen3");
  EXPECT_EQ(point_key(points[1]), "a|native|4k|vpid|skylake");
  EXPECT_EQ(point_key(points[2]), "a|native|2m|vpid|zen3");
  EXPECT_EQ(point_key(points[4]), "a|nested|4k|vpid|zen3");
  EXPECT_EQ(point_key(points[8]), "b|native|4k|vpid|zen3");
  EXPECT_EQ(points[15].index, 15u);
}

TEST(SweepWorkloads, ListSplitsWhereAWorkloadNameStarts) {
  const std::vector<std::string> specs =
      expand_workload_list("listwalk:ws=16KiB,npad=7,random:ws=1MiB,steps=10,churn");
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].rfind("listwalk:ws=16KiB,npad=7,", 0), 0u) << specs[0];
  EXPECT_EQ(specs[1].rfind("random:ws=1MiB,steps=10", 0), 0u) << specs[1];
  EXPECT_EQ(specs[2].rfind("churn:", 0), 0u) << specs[2];
}

TEST(SweepWorkloads, WorkingSetRangeRunsEveryPowerOfTwo) {
  const std::vector<std::string> specs = expand_workload_list("random:ws=16KiB..128KiB,steps=5");
  ASSERT_EQ(specs.size(), 4u);
  EXPECT_EQ(specs[0].rfind("random:ws=16KiB,", 0), 0u) << specs[0];
  EXPECT_EQ(specs[3].rfind("random:ws=128KiB,", 0), 0u) << specs[3];
}

TEST(SweepWorkloads, WorkingSetRangeDoublesFromItsFirstSize) {
  const std::vector<std::string> specs = expand_workload_list("random:ws=24B..100B,steps=5");
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[2].rfind("random:ws=96B,", 0), 0u) << specs[2];
}

TEST(SweepWorkloads, DotsInAnotherKeyAreThatKeysErrorNotTheWorkingSets) {
  try {
    expand_workload_list("listwalk:ws=1MiB,steps=1..5");
    ADD_FAILURE() << "accepted a range in steps";
  } catch (const std::exception& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("steps"), std::string::npos) << what;
    EXPECT_EQ(what.find("'ws'"), std::string::npos) << what;
  }
}

TEST(SweepWorkloads, ATraceFileNameIsNeverARange) {
  const std::vector<std::string> specs = expand_workload_list("trace:/runs/ws=1..4/t.mvt");
  ASSERT_EQ(specs.size(), 1u);
  EXPECT_NE(specs[0].find("/runs/ws=1..4/t.mvt"), std::string::npos) << specs[0];
}

TEST(SweepWorkloads, RepeatedOrOrphanItemsAreErrors) {
  EXPECT_THROW(expand_workload_list("random:ws=1MiB,random:ws=1MiB"), std::invalid_argument);
  EXPECT_THROW(expand_workload_list("ws=1MiB,random"), std::invalid_argument);
  EXPECT_THROW(expand_workload_list("random,,churn"), std::invalid_argument);
}

// A row as the sweep writes it, with `value` standing for the numbers.
json fake_row(const SweepPoint& p, int value) {
  return {{"workload", p.workload},
          {"mode", p.mode},
          {"page", p.page},
          {"tlb_tag", p.tlb_tag},
          {"value", value}};
}

TEST(SweepRunner, ResumeRunsOnlyTheConfigurationsWithoutARow) {
  const SweepLists lists = lists_of({"a", "b", "c"}, {"native"});
  SweepResults earlier(lists);
  earlier.set(1, fake_row(earlier.points()[1], 100));
  earlier.set(4, fake_row(earlier.points()[4], 400));
  SweepResults results(lists);
  EXPECT_EQ(results.adopt(earlier.to_json(), "earlier.json"), 2u);
  std::atomic<int> calls{0};
  std::vector<size_t> finished;
  run_sweep(
      results, results.missing(), 2,
      [&](const SweepPoint& p) {
        ++calls;
        return fake_row(p, static_cast<int>(p.index));
      },
      [&](const SweepPoint& p) { finished.push_back(p.index); });
  EXPECT_EQ(calls.load(), 4);
  EXPECT_EQ(finished.size(), 4u);
  const json rows = results.to_json()["results"];
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[1]["value"], 100);  // kept, not recomputed
  EXPECT_EQ(rows[4]["value"], 400);
  EXPECT_EQ(rows[5]["value"], 5);
}

TEST(SweepRunner, OtherMachineFlagsAreNotResumed) {
  SweepLists other = lists_of({"a"}, {"native"});
  other.flags = {"--seed=4"};
  SweepResults results(lists_of({"a"}, {"native"}));
  EXPECT_THROW(results.adopt(SweepResults(other).to_json(), "other.json"), std::runtime_error);
}

TEST(SweepRunner, FailureNamesTheConfigurationAndKeepsFinishedRows) {
  SweepResults results(lists_of({"a", "b"}, {"native"}));
  try {
    run_sweep(
        results, results.missing(), 1,
        [](const SweepPoint& p) {
          if (p.index == 2) throw std::runtime_error("out of guest memory");
          return fake_row(p, 0);
        },
        [](const SweepPoint&) {});
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("configuration 2 (b native 4k vpid)"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(results.finished(), 2u);  // 0 and 1; nothing started after the failure
}

TEST(SweepProgress, BarShowsCountElapsedAndEstimate) {
  EXPECT_EQ(progress_bar_text(12, 40, 31, 70, 10),
            "[===>      ] 12/40 configs  00:31 elapsed  ~01:10 left");
  EXPECT_EQ(progress_bar_text(0, 4, 0, -1, 4), "[>   ] 0/4 configs  00:00 elapsed  ~--:-- left");
  EXPECT_EQ(format_duration(3725), "1:02:05");
}

TEST(SweepJobs, NamesSortInConfigurationOrder) {
  EXPECT_EQ(job_path("d", 7, 40), fs::path("d/job-0007.json"));
  EXPECT_EQ(result_path("d", 7, 123456), fs::path("d/result-000007.json"));
}

TEST(SweepCli, TwoThreadsGiveByteIdenticalResultsToOne) {
  const fs::path dir = scratch_dir("threads");
  const Outcome one = run_memvirt(small_sweep(dir / "j1.json", "1"));
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const Outcome two = run_memvirt(small_sweep(dir / "j2.json", "2"));
  ASSERT_EQ(two.exit_code, 0) << two.err;
  const std::string text = read_file(dir / "j1.json");
  EXPECT_EQ(text, read_file(dir / "j2.json"));
  const json doc = json::parse(text);
  ASSERT_EQ(doc["results"].size(), 18u);
  EXPECT_EQ(doc["results"][0]["mode"], "native");
  EXPECT_EQ(doc["results"][0]["working_set_bytes"], 16384);
  EXPECT_EQ(doc["results"][17]["page"], "2m");
  // Not a terminal: one plain line per configuration, no bar.
  EXPECT_NE(one.err.find("[18/18] listwalk:ws=256KiB"), std::string::npos) << one.err;
  EXPECT_EQ(one.err.find('\r'), std::string::npos);
  fs::remove_all(dir);
}

TEST(SweepCli, ResumeKeepsTheRowsAlreadyInTheFile) {
  const fs::path dir = scratch_dir("resume");
  const fs::path out = dir / "r.json";
  ASSERT_EQ(run_memvirt(small_sweep(out, "2")).exit_code, 0);
  const std::string complete = read_file(out);
  // A sweep killed after two rows, one of them marked: a recomputed row would lose the mark.
  json partial = json::parse(complete);
  partial["results"] = json::array({partial["results"][0], partial["results"][5]});
  partial["results"][1]["accesses"] = 424242;
  std::ofstream(out) << partial.dump(2) << "\n";
  const Outcome resumed = run_memvirt(small_sweep(out, "2"));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("16 run now, 2 kept"), std::string::npos) << resumed.out;
  json doc = json::parse(read_file(out));
  EXPECT_EQ(doc["results"][5]["accesses"], 424242);
  doc["results"][5]["accesses"] = json::parse(complete)["results"][5]["accesses"];
  EXPECT_EQ(doc.dump(2) + "\n", complete);
  fs::remove_all(dir);
}

TEST(SweepCli, EmittedJobsRunAndMergedEqualADirectSweep) {
  const fs::path dir = scratch_dir("jobs");
  ASSERT_EQ(run_memvirt(small_sweep(dir / "direct.json", "2")).exit_code, 0);
  std::vector<std::string> emit = small_sweep(dir / "unused.json", "1");
  emit.resize(emit.size() - 2);  // no -o
  emit.insert(emit.end(), {"--emit-jobs", (dir / "jobs").string()});
  const Outcome emitted = run_memvirt(emit);
  ASSERT_EQ(emitted.exit_code, 0) << emitted.err;
  EXPECT_TRUE(fs::exists(dir / "jobs" / "run-array.sh"));
  EXPECT_NE(read_file(dir / "jobs" / "run-array.sh").find("#SBATCH --array=0-17"),
            std::string::npos);
  std::vector<std::string> merge = {"merge", "-o", (dir / "merged.json").string()};
  for (int i = 17; i >= 0; --i) {  // any order: the merge orders by configuration
    const std::string id = (i < 10 ? "000" : "00") + std::to_string(i);
    const fs::path job = dir / "jobs" / ("job-" + id + ".json");
    const fs::path result = dir / "jobs" / ("result-" + id + ".json");
    ASSERT_EQ(run_memvirt({"sweep", "--job", job.string(), "-o", result.string()}).exit_code, 0);
    merge.push_back(result.string());
  }
  const Outcome merged = run_memvirt(merge);
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_EQ(read_file(dir / "merged.json"), read_file(dir / "direct.json"));
  merge.pop_back();  // without configuration 0
  const Outcome incomplete = run_memvirt(merge);
  EXPECT_EQ(incomplete.exit_code, 1);
  EXPECT_NE(incomplete.err.find("1 of 18 configurations have no result"), std::string::npos)
      << incomplete.err;
  fs::remove_all(dir);
}

TEST(SweepCli, BadListsAreUsageErrorsNamingTheFlag) {
  const fs::path dir = scratch_dir("usage");
  const std::string out = (dir / "x.json").string();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--workload", "random:ws=1XB"}, "--workload"},
      {{"--workload", "random", "--mode", "native,bogus"}, "--mode"},
      {{"--workload", "random", "--page", "4k,3k"}, "--page"},
      {{"--workload", "random", "--page", "4k,4k"}, "--page"},
      {{"--workload", "random", "--tlb-tag", "vpid,,none"}, "--tlb-tag"},
      {{"--workload", "random", "-j", "0"}, "--jobs"},
      {{"--mode", "native"}, "--workload"},
  };
  for (const auto& [flags, name] : cases) {
    std::vector<std::string> args = {"sweep", "-o", out};
    args.insert(args.end(), flags.begin(), flags.end());
    const Outcome o = run_memvirt(args);
    EXPECT_EQ(o.exit_code, 2) << name << ": " << o.err;
    EXPECT_NE(o.err.find(name), std::string::npos) << o.err;
  }
  EXPECT_FALSE(fs::exists(out));
  fs::remove_all(dir);
}

TEST(SweepCli, ResultsOfOtherMachineFlagsAreNotOverwritten) {
  const fs::path dir = scratch_dir("flags");
  const fs::path out = dir / "r.json";
  const std::vector<std::string> sweep = {
      "sweep", "--workload", "random:ws=64KiB,steps=500", "--mode", "native", "-o", out.string()};
  ASSERT_EQ(run_memvirt(sweep).exit_code, 0);
  std::vector<std::string> other = sweep;
  other.insert(other.end(), {"--seed", "9"});
  const Outcome o = run_memvirt(other);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("--seed=9"), std::string::npos) << o.err;
  other.push_back("--no-resume");
  EXPECT_EQ(run_memvirt(other).exit_code, 0);
  EXPECT_EQ(json::parse(read_file(out))["sweep"]["flags"], json::array({"--seed=9"}));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace memvirt
