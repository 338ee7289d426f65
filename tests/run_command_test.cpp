// `memvirt run`: the program simulated as it runs gives exactly what `record` and then `sim` on
// the trace give; Ctrl-C stops the program and reports what was simulated until then; a
// program that cannot run, and bad flags, are errors.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/qemu.hpp"
#include "support/run_binary.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;


nlohmann::json read_json(const fs::path& path) {
  return nlohmann::json::parse(test::read_file(path));
}

// run, and record + sim of the same program and flags: the same machines, the same results.
void expect_run_equals_record_then_sim(const std::vector<std::string>& flags,
                                       const std::string& program) {
  const fs::path dir = test::make_scratch_dir("run-vs-record");
  const fs::path trace = dir / "p.mvt", saved = dir / "saved.mvt";
  const fs::path live = dir / "run.json", replayed = dir / "sim.json";
  std::vector<std::string> run = {"run", "--json", live.string(), "--save-trace", saved.string()};
  run.insert(run.end(), flags.begin(), flags.end());
  run.insert(run.end(), {"--", program});
  const test::Outcome r = test::run_memvirt(run);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const test::Outcome rec = test::run_memvirt({"record", "-o", trace.string(), "--", program});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  std::vector<std::string> sim = {"sim", "--workload", "trace:" + trace.string(), "--json",
                                  replayed.string()};
  sim.insert(sim.end(), flags.begin(), flags.end());
  const test::Outcome s = test::run_memvirt(sim);
  ASSERT_EQ(s.exit_code, 0) << s.err;

  const nlohmann::json a = read_json(live), b = read_json(replayed);
  EXPECT_EQ(a["config"], b["config"]);
  EXPECT_EQ(a["results"], b["results"]);
  EXPECT_FALSE(a["interrupted"].get<bool>());
  EXPECT_GT(a["results"][0]["accesses"].get<uint64_t>(), 1000u);
  // The stream run simulated, kept, is the trace record writes.
  EXPECT_EQ(test::read_file(saved), test::read_file(trace));
  fs::remove_all(dir);
}

TEST(RunCommand, GivesWhatRecordThenSimGive) {
  REQUIRE_QEMU();
  expect_run_equals_record_then_sim({"--mode", "native,shadow,pv,nested"},
                                    MEMVIRT_PROBE_MMAP_PROBE);
}

TEST(RunCommand, GivesWhatRecordThenSimGiveWithTwoVmsAndAWarmup) {
  REQUIRE_QEMU();
  // Two VMs: each reads its own copy of the live stream; the fork probe has two processes.
  expect_run_equals_record_then_sim(
      {"--mode", "shadow,nested", "--vms", "2", "--warmup", "5000", "--page", "2m"},
      MEMVIRT_PROBE_FORK_PROBE);
}

TEST(RunCommand, CtrlCStopsTheProgramAndReportsWhatWasSimulated) {
  REQUIRE_QEMU();
  const fs::path dir = test::make_scratch_dir("run-interrupt");
  const fs::path json = dir / "run.json";
  // `yes` never ends by itself; its output goes to /dev/null.
  const pid_t pid = test::start_memvirt(
      {"run", "--mode", "native,nested", "--json", json.string(), "--", "yes"});
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(test::wait_for_temporary(dir, 30)) << "run did not open its --json output";
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // let some references flow
  ASSERT_EQ(::kill(pid, SIGINT), 0);
  const int status = test::wait_for(pid);
  ASSERT_TRUE(WIFEXITED(status)) << "status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  const nlohmann::json report = read_json(json);
  EXPECT_TRUE(report["interrupted"].get<bool>());
  const uint64_t traced = report["tracer"]["references"].get<uint64_t>();
  EXPECT_GT(traced, 0u);
  ASSERT_EQ(report["results"].size(), 2u);
  for (const auto& row : report["results"]) EXPECT_EQ(row["accesses"].get<uint64_t>(), traced);
  EXPECT_TRUE(test::temporaries_in(dir).empty());
  fs::remove_all(dir);
}

TEST(RunCommand, WithJsonOnStdoutTheProgramsOutputGoesToStderr) {
  REQUIRE_QEMU();
  const test::Outcome o =
      test::run_memvirt({"run", "--mode", "native", "--json", "-", "--", "echo", "from-the-program"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const nlohmann::json report = nlohmann::json::parse(o.out);  // stdout is the JSON alone
  EXPECT_EQ(report["program"], (nlohmann::json{"echo", "from-the-program"}));
  EXPECT_NE(o.err.find("from-the-program"), std::string::npos) << o.err;
}

TEST(RunCommand, AProgramThatCannotRunIsAnError) {
  REQUIRE_QEMU();
  const fs::path dir = test::make_scratch_dir("run-missing");
  const fs::path json = dir / "run.json";
  const test::Outcome o =
      test::run_memvirt({"run", "--json", json.string(), "--", "/nonexistent/program"});
  EXPECT_NE(o.exit_code, 0);
  EXPECT_NE(o.err.find("/nonexistent/program"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(json));  // no results for a run that did not happen
  EXPECT_TRUE(test::temporaries_in(dir).empty());
  fs::remove_all(dir);
}

TEST(RunCommand, BadFlagsAreUsageErrors) {
  const test::Outcome mode = test::run_memvirt({"run", "--mode", "bogus", "--", "true"});
  EXPECT_EQ(mode.exit_code, 2);
  EXPECT_NE(mode.err.find("bogus"), std::string::npos) << mode.err;
  const test::Outcome none = test::run_memvirt({"run", "--mode", "native"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("command"), std::string::npos) << none.err;
}

}  // namespace
}  // namespace memvirt
