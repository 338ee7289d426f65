// `--json FILE` of sim (and of every command, through the same helper): FILE is replaced only by
// a complete report, and a FILE that the run reads is refused before anything is read.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/run_binary.hpp"
#include "support/scratch_dir.hpp"
#include "timing/cpu_model.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;
using namespace test;

constexpr const char* kSmall = "random:ws=64KiB,steps=2000";
// Eight references in lackey's text format.
constexpr const char* kTrace =
    "I  04010173,3\n L 04222cac,8\n S 04222ca4,8\nI  04010176,4\n"
    " L 04223000,8\n M 04223008,4\nI  0401017a,2\n L 04224000,8\n";

TEST(JsonOutput, KeepsOldFileWhenRunFails) {
  const fs::path dir = fresh_dir("json-fails");
  write_text(dir / "out.json", "{\"old\": true}\n");
  write_text(dir / "bad.lackey", "this is not lackey's output\n");
  const Outcome o = run_memvirt({"sim", "--workload", "trace:" + (dir / "bad.lackey").string(),
                                 "--json", (dir / "out.json").string()});
  EXPECT_EQ(o.exit_code, 1) << o.err;
  EXPECT_EQ(read_file(dir / "out.json"), "{\"old\": true}\n");
  EXPECT_TRUE(temporaries_in(dir).empty());
  fs::remove_all(dir);
}

TEST(JsonOutput, ReplacesOldFileWhenRunSucceeds) {
  const fs::path dir = fresh_dir("json-succeeds");
  write_text(dir / "out.json", "{\"old\": true}\n");
  const Outcome o = run_memvirt(
      {"sim", "--workload", kSmall, "--mode", "native", "--json", (dir / "out.json").string()});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(nlohmann::json::parse(read_file(dir / "out.json"))["results"].size(), 1u);
  EXPECT_TRUE(temporaries_in(dir).empty());
  fs::remove_all(dir);
}

TEST(JsonOutput, RefusesToOverwriteAnInput) {
  const fs::path dir = fresh_dir("json-input");
  const std::string trace = (dir / "v.lackey").string();
  const std::string preset = (dir / "p.json").string();
  write_text(trace, kTrace);
  write_text(preset, cpu_preset_text("zen3"));
  const Outcome t = run_memvirt({"sim", "--workload", "trace:" + trace, "--json", trace});
  EXPECT_EQ(t.exit_code, 2) << t.err;
  EXPECT_TRUE(contains(t.err, "the trace of --workload")) << t.err;
  EXPECT_TRUE(contains(t.err, trace)) << t.err;
  EXPECT_EQ(read_file(trace), kTrace);
  const Outcome p = run_memvirt({"sim", "--workload", kSmall, "--cpu", preset, "--json", preset});
  EXPECT_EQ(p.exit_code, 2) << p.err;
  EXPECT_TRUE(contains(p.err, "the --cpu preset")) << p.err;
  EXPECT_EQ(read_file(preset), cpu_preset_text("zen3"));
  // The same file by another name is the same file.
  fs::create_directories(dir / "sub");
  const Outcome other = run_memvirt({"sim", "--workload", kSmall, "--cpu", preset, "--json",
                                     (dir / "sub" / ".." / "p.json").string()});
  EXPECT_EQ(other.exit_code, 2) << other.err;
  EXPECT_EQ(read_file(preset), cpu_preset_text("zen3"));
  EXPECT_TRUE(temporaries_in(dir).empty());
  fs::remove_all(dir);
}

TEST(JsonOutput, RefusesADirectory) {
  const fs::path dir = fresh_dir("json-directory");
  const Outcome o = run_memvirt({"sim", "--workload", kSmall, "--json", dir.string()});
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_TRUE(contains(o.err, "is a directory")) << o.err;
  EXPECT_EQ(o.out, "");  // refused before the run
  fs::remove_all(dir);
}

TEST(JsonOutput, DevNullStaysADevice) {
  const Outcome o =
      run_memvirt({"sim", "--workload", kSmall, "--mode", "native", "--json", "/dev/null"});
  EXPECT_EQ(o.exit_code, 0) << o.err;
  struct stat st {};
  ASSERT_EQ(stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

// A long run stopped by SIGTERM, or Ctrl-C, dies of the signal, without a temporary beside FILE.
TEST(JsonOutput, InterruptedRunLeavesOldFileAndNoTemporary) {
  for (int sig : {SIGTERM, SIGINT}) {
    const fs::path dir = fresh_dir("json-signal");
    write_text(dir / "out.json", "{\"old\": true}\n");
    const pid_t pid = start_memvirt({"sim", "--workload", "random:ws=1GiB,steps=500000000",
                                     "--mode", "nested", "--json", (dir / "out.json").string()});
    ASSERT_GT(pid, 0);
    ASSERT_TRUE(wait_for_temporary(dir, 30)) << "the run never opened its output";
    kill(pid, sig);
    const int status = wait_for(pid);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sig) << status;
    EXPECT_EQ(read_file(dir / "out.json"), "{\"old\": true}\n");
    EXPECT_TRUE(temporaries_in(dir).empty());
    fs::remove_all(dir);
  }
}

}  // namespace
}  // namespace memvirt
