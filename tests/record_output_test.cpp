// What `memvirt record` leaves behind when it cannot finish: the old trace and the old
// --lackey-text copy as they were, no temporary beside them, and no recorded program still
// running. A directory given as -o is refused before the program runs.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "support/run_binary.hpp"
#include "support/scratch_dir.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;
using namespace test;

bool valgrind_present() { return std::system("valgrind --version >/dev/null 2>&1") == 0; }

TEST(RecordOutput, RefusesDirectoryOutput) {
  const fs::path dir = fresh_dir("record-out-directory");
  const fs::path marker = dir / "ran";
  const Outcome o = run_memvirt({"record", "-o", dir.string(), "--", "/bin/sh", "-c",
                                 "touch " + shell_quote(marker.string())});
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_TRUE(contains(o.err, "is a directory")) << o.err;
  EXPECT_FALSE(fs::exists(marker));  // refused before the program ran
  EXPECT_FALSE(fs::exists(dir.string() + ".partial"));
  for (const std::string& name : temporaries_in(dir.parent_path()))
    EXPECT_FALSE(contains(name, dir.filename().string())) << name;
  fs::remove_all(dir);
}

TEST(RecordOutput, RefusesOneFileForBothOutputs) {
  const fs::path dir = fresh_dir("record-out-both");
  const std::string out = (dir / "x").string();
  const Outcome o = run_memvirt({"record", "-o", out, "--lackey-text", out, "--", "/bin/true"});
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_TRUE(contains(o.err, "the -o trace")) << o.err;
  EXPECT_FALSE(fs::exists(out));
  fs::remove_all(dir);
}

TEST(RecordOutput, FailedRecordingKeepsOldTraceAndLackeyText) {
  if (!valgrind_present()) GTEST_SKIP() << "valgrind is not installed: apt-get install valgrind";
  const fs::path dir = fresh_dir("record-out-failed");
  write_text(dir / "old.mvt", "old trace");
  write_text(dir / "old.lackey", "old text");
  const Outcome o = run_memvirt({"record", "-o", (dir / "old.mvt").string(), "--lackey-text",
                                 (dir / "old.lackey").string(), "--", "/bin/false"});
  EXPECT_EQ(o.exit_code, 1) << o.err;
  EXPECT_EQ(read_file(dir / "old.mvt"), "old trace");
  EXPECT_EQ(read_file(dir / "old.lackey"), "old text");
  EXPECT_TRUE(temporaries_in(dir).empty());
  fs::remove_all(dir);
}

// The pids of `pid`'s children, from /proc.
std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> kids;
  std::error_code ec;
  for (const auto& task :
       fs::directory_iterator(fs::path("/proc") / std::to_string(pid) / "task", ec)) {
    std::ifstream in(task.path() / "children");
    for (pid_t kid; in >> kid;) kids.push_back(kid);
  }
  return kids;
}

// Gone, or a zombie waiting for init: either way no longer running the program.
bool ended(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return true;
  const size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z';
}

TEST(RecordOutput, SigtermRemovesTemporariesAndStopsTheProgram) {
  if (!valgrind_present()) GTEST_SKIP() << "valgrind is not installed: apt-get install valgrind";
  const fs::path dir = fresh_dir("record-out-sigterm");
  const pid_t pid = start_memvirt({"record", "-o", (dir / "sleep.mvt").string(), "--lackey-text",
                                   (dir / "sleep.lackey").string(), "--", "/bin/sleep", "60"});
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(wait_for_temporary(dir, 30));
  std::vector<pid_t> kids;
  for (int i = 0; i < 500 && kids.empty(); ++i) {
    kids = children_of(pid);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_FALSE(kids.empty()) << "valgrind never started";
  kill(pid, SIGTERM);
  const int status = wait_for(pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << status;
  EXPECT_TRUE(temporaries_in(dir).empty());
  EXPECT_FALSE(fs::exists(dir / "sleep.mvt"));
  EXPECT_FALSE(fs::exists(dir / "sleep.lackey"));
  bool stopped = false;
  for (int i = 0; i < 500 && !stopped; ++i) {
    stopped = ended(kids.front());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(stopped) << "valgrind (pid " << kids.front() << ") still runs";
  if (!stopped) kill(kids.front(), SIGKILL);
  fs::remove_all(dir);
}

TEST(RecordOutput, SigtermStopsQemuToo) {
  if (std::system("qemu-x86_64 --version >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "qemu-x86_64 is not installed: apt-get install qemu-user";
  const fs::path dir = fresh_dir("record-out-sigterm-qemu");
  const pid_t pid = start_memvirt(
      {"record", "--tracer", "qemu", "-o", (dir / "sleep.mvt").string(), "--", "/bin/sleep", "60"});
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(wait_for_temporary(dir, 30));
  std::vector<pid_t> kids;
  for (int i = 0; i < 500 && kids.empty(); ++i) {
    kids = children_of(pid);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_FALSE(kids.empty()) << "qemu never started";
  kill(pid, SIGTERM);
  const int status = wait_for(pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << status;
  EXPECT_TRUE(temporaries_in(dir).empty());
  EXPECT_FALSE(fs::exists(dir / "sleep.mvt"));
  bool stopped = false;
  for (int i = 0; i < 500 && !stopped; ++i) {
    stopped = ended(kids.front());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(stopped) << "qemu (pid " << kids.front() << ") still runs";
  if (!stopped) kill(kids.front(), SIGKILL);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace memvirt
