// The real `memvirt` binary: exit codes, error messages naming the bad flag, and its outputs.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/run_binary.hpp"
#include "support/text_contains.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;
using namespace test;

// Expects a usage error (exit 2, nothing on stdout) whose message contains every fragment.
void expect_usage_error(const std::vector<std::string>& args,
                        const std::vector<std::string>& fragments) {
  const Outcome o = run_memvirt(args);
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_EQ(o.out, "");
  for (const std::string& f : fragments) EXPECT_TRUE(contains(o.err, f)) << f << " in: " << o.err;
}

constexpr const char* kSmall = "random:ws=1MiB,steps=2000";

TEST(Cli, CountersFlagPrintsEveryComponentsCountersWithUnitAndMeaning) {
  const Outcome o = run_memvirt({"sim", "--workload", kSmall, "--mode", "native,shadow", "--counters"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  for (const char* line : {"every counter", "tlb.l2_hits", "vmm.shadow_pages", "domain.populations",
                           "kernel.shootdown_ipis", "lookups the second level answered"})
    EXPECT_TRUE(contains(o.out, line)) << line;
  // No CPU model: the paging-structure caches did not run, and say so.
  EXPECT_TRUE(contains(o.out, "pwc.pde_hits")) << o.out;
  const Outcome plain = run_memvirt({"sim", "--workload", kSmall, "--mode", "native"});
  EXPECT_FALSE(contains(plain.out, "every counter"));
}

TEST(Cli, ModeHelpListsEveryRegisteredMode) {
  const Outcome o = run_memvirt({"sim", "--help"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  for (const char* mode : {"native:", "shadow:", "pv:", "nested:"}) EXPECT_TRUE(contains(o.out, mode)) << mode;
  expect_usage_error({"sim", "--workload", kSmall, "--mode", "warp"},
                     {"--mode", "warp", "expected native, shadow"});
}

TEST(Cli, BadSpecValueIsUsageErrorNamingTheKey) {
  expect_usage_error({"sim", "--workload", "listwalk:ws=12XB"}, {"--workload", "ws", "12XB"});
}

TEST(Cli, UnknownSpecKeyIsUsageErrorNamingTheKey) {
  expect_usage_error({"sim", "--workload", "random:wss=1MiB"}, {"--workload", "wss"});
}

TEST(Cli, BadModeIsUsageErrorNamingFlagAndValue) {
  expect_usage_error({"sim", "--workload", kSmall, "--mode", "foo"}, {"--mode", "foo"});
  expect_usage_error({"sim", "--workload", kSmall, "--mode", "native,foo"}, {"--mode", "foo"});
}

TEST(Cli, EmptyOrRepeatedModeIsUsageError) {
  expect_usage_error({"sim", "--workload", kSmall, "--mode", "native,,shadow"}, {"--mode"});
  expect_usage_error({"sim", "--workload", kSmall, "--mode", "native,native"}, {"--mode"});
}

TEST(Cli, BadPageSizeIsUsageErrorNamingTheFlag) {
  expect_usage_error({"sim", "--workload", kSmall, "--page", "3k"}, {"--page", "3k"});
  expect_usage_error({"sim", "--workload", kSmall, "--nested-page", "4m"}, {"--nested-page"});
}

TEST(Cli, UnknownFramePlacementIsUsageErrorNamingTheFlag) {
  expect_usage_error({"sim", "--workload", kSmall, "--frames", "random"},
                     {"--frames", "random", "in-order or scattered"});
}

TEST(Cli, LevelsOtherThanFourOrFiveAreUsageErrors) {
  expect_usage_error({"sim", "--workload", kSmall, "--levels", "3"}, {"--levels", "3"});
  expect_usage_error({"sim", "--workload", kSmall, "--levels", "four"}, {"--levels"});
  expect_usage_error({"sim", "--workload", kSmall, "--nested-levels", "6"}, {"--nested-levels"});
}

TEST(Cli, NegativeOrNonNumericSeedIsUsageError) {
  expect_usage_error({"sim", "--workload", kSmall, "--seed", "-1"}, {"--seed", "-1"});
  expect_usage_error({"sim", "--workload", kSmall, "--seed", "12ab"}, {"--seed"});
}

TEST(Cli, UnknownFlagOrSubcommandIsUsageError) {
  expect_usage_error({"sim", "--workload", kSmall, "--bogus"}, {"--bogus"});
  expect_usage_error({"simulate"}, {"simulate"});
}

TEST(Cli, MissingSubcommandOrWorkloadIsUsageError) {
  expect_usage_error({}, {"subcommand"});
  expect_usage_error({"sim"}, {"--workload"});
}

TEST(Cli, HelpDescribesEveryFlagWithAnExample) {
  const Outcome o = run_memvirt({"sim", "--help"});
  EXPECT_EQ(o.exit_code, 0);
  for (const char* flag : {"--workload", "--mode", "--page", "--nested-page", "--levels",
                           "--nested-levels", "--seed", "--json"}) {
    EXPECT_TRUE(contains(o.out, flag)) << flag;
  }
  EXPECT_TRUE(contains(o.out, "Examples:"));
  EXPECT_TRUE(contains(o.out, "memvirt sim --workload listwalk:"));
}

TEST(Cli, TopLevelHelpListsSubcommandsAndVersionPrintsIt) {
  const Outcome help = run_memvirt({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(contains(help.out, "sim"));
  const Outcome version = run_memvirt({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out, "0.1.0\n");
}

TEST(Cli, SmallRunPrintsTableAndWritesJsonWithOneRowPerModeInOrder) {
  const fs::path json_path = scratch_file("memvirt-cli-report");
  const Outcome o = run_memvirt({"sim", "--workload", kSmall, "--json", json_path.string()});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_TRUE(contains(o.out, "by reason")) << o.out;
  const nlohmann::json report = nlohmann::json::parse(read_file(json_path));
  fs::remove(json_path);
  EXPECT_EQ(report["workload"], "random:ws=1MiB,steps=2000,write=0");
  const nlohmann::json& rows = report["results"];
  ASSERT_EQ(rows.size(), 3u);
  const char* modes[] = {"native", "shadow", "nested"};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(rows[i]["mode"], modes[i]);
    EXPECT_EQ(rows[i]["accesses"], 2000);
  }
}

TEST(Cli, WarmupIsAutoByDefaultAndSaysSoInTableAndJson) {
  const Outcome table = run_memvirt({"sim", "--workload", kSmall, "--mode", "native"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(contains(table.out, "counted: steady state")) << table.out;
  const Outcome o = run_memvirt({"sim", "--workload", kSmall, "--mode", "shadow", "--json", "-"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const nlohmann::json report = nlohmann::json::parse(o.out);
  EXPECT_EQ(report["config"]["warmup"], "auto");
  const nlohmann::json& row = report["results"][0];
  EXPECT_EQ(row["warmup"], 256 + 2000);  // 1 MiB touched page by page, one warm-up lap
  EXPECT_EQ(row["guest_page_faults"], 0);
  EXPECT_EQ(row["vm_exits"]["total"], 0);
}

TEST(Cli, WarmupZeroCountsFromFirstTouch) {
  const Outcome o = run_memvirt(
      {"sim", "--workload", kSmall, "--mode", "shadow", "--warmup", "0", "--json", "-"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const nlohmann::json report = nlohmann::json::parse(o.out);
  EXPECT_EQ(report["config"]["warmup"], 0);
  EXPECT_EQ(report["results"][0]["warmup"], 0);
  EXPECT_GT(report["results"][0]["guest_page_faults"].get<uint64_t>(), 0u);
}

TEST(Cli, BadWarmupIsUsageErrorNamingTheFlag) {
  expect_usage_error({"sim", "--workload", kSmall, "--warmup", "soon"}, {"--warmup", "soon"});
  expect_usage_error({"experiment", "tlb-tags", "--warmup", "-3"}, {"--warmup", "-3"});
}

TEST(Cli, JsonDashPrintsOnlyJsonOnStdout) {
  const Outcome o =
      run_memvirt({"sim", "--workload", kSmall, "--mode", "nested,native", "--json", "-"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const nlohmann::json report = nlohmann::json::parse(o.out);  // throws if a table is mixed in
  EXPECT_EQ(report["config"]["modes"], nlohmann::json::parse(R"(["nested", "native"])"));
  EXPECT_EQ(report["results"].size(), 2u);
}

TEST(Cli, FlagsReachTheConfigAndNestedLevelsFollowLevels) {
  const Outcome o =
      run_memvirt({"sim", "--workload", kSmall, "--mode", "nested", "--page", "2m", "--nested-page",
                   "1g", "--levels", "5", "--seed", "9", "--json", "-"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const nlohmann::json config = nlohmann::json::parse(o.out)["config"];
  EXPECT_EQ(config["page"], "2m");
  EXPECT_EQ(config["nested_page"], "1g");
  EXPECT_EQ(config["levels"], 5);
  EXPECT_EQ(config["nested_levels"], 5);
  EXPECT_EQ(config["seed"], 9);
  const Outcome explicit_levels =
      run_memvirt({"sim", "--workload", kSmall, "--mode", "nested", "--levels", "5",
                   "--nested-levels", "4", "--json", "-"});
  ASSERT_EQ(explicit_levels.exit_code, 0) << explicit_levels.err;
  EXPECT_EQ(nlohmann::json::parse(explicit_levels.out)["config"]["nested_levels"], 4);
}

TEST(Cli, SameSeedGivesSameJson) {
  const std::vector<std::string> args = {"sim", "--workload", kSmall, "--seed", "5", "--json", "-"};
  const Outcome first = run_memvirt(args);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(run_memvirt(args).out, first.out);
}

TEST(Cli, RuntimeErrorExitsOneNamingTheMode) {
  // 1 GiB pages over all of the 256 GiB of guest memory: once the page tables have taken their
  // frames, the data's last pages find none (a larger working set is refused before the run).
  const Outcome o = run_memvirt(
      {"sim", "--workload", "random:ws=256GiB,steps=4000", "--page", "1g", "--mode", "native"});
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(o.err.starts_with("memvirt: error: native mode: ")) << o.err;
  EXPECT_TRUE(contains(o.err, "exhausted")) << o.err;
}

TEST(Cli, UnwritableJsonPathIsRuntimeErrorBeforeAnyRun) {
  const Outcome o =
      run_memvirt({"sim", "--workload", kSmall, "--json", "/nonexistent-dir/report.json"});
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.out, "");
  EXPECT_TRUE(contains(o.err, "/nonexistent-dir/report.json")) << o.err;
}

}  // namespace
}  // namespace memvirt
