// `memvirt record`: a real program traced under valgrind's lackey round-trips through .mvt to
// exactly the records that lackey's own text gives, and a missing valgrind is a clear error.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "support/trace_samples.hpp"
#include "workload/trace/open_trace.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;

bool valgrind_present() { return std::system("valgrind --version >/dev/null 2>&1") == 0; }

fs::path scratch(const std::string& name) {
  return fs::temp_directory_path() / ("memvirt-record-" + std::to_string(::getpid()) + name);
}

int run_shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(TraceRecord, RecordedTraceMatchesLackeysText) {
  if (!valgrind_present()) GTEST_SKIP() << "valgrind is not installed: apt-get install valgrind";
  const fs::path mvt = scratch(".mvt");
  const fs::path text = scratch(".lackey");
  ASSERT_EQ(run_shell(std::string(MEMVIRT_BIN) + " record -o " + mvt.string() + " --lackey-text " +
                      text.string() + " -- /bin/true >/dev/null"),
            0);
  auto from_mvt = open_trace(mvt.string(), TraceSpec::Format::kAuto);
  auto from_text = open_trace(text.string(), TraceSpec::Format::kAuto);
  const auto records = test::read_all(*from_mvt);
  EXPECT_GT(records.size(), 10000u);  // the dynamic loader alone does this much
  EXPECT_EQ(records, test::read_all(*from_text));
  fs::remove(mvt);
  fs::remove(text);
}

TEST(TraceRecord, MissingValgrindIsAnErrorThatSaysToInstallIt) {
  const fs::path mvt = scratch("-none.mvt");
  const fs::path err = scratch(".err");
  EXPECT_EQ(run_shell("PATH=/nonexistent " + std::string(MEMVIRT_BIN) + " record -o " +
                      mvt.string() + " -- /bin/true 2>" + err.string()),
            1);
  std::ifstream in(err);
  const std::string message{std::istreambuf_iterator<char>(in), {}};
  EXPECT_NE(message.find("install it"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(mvt));
  fs::remove(err);
}

TEST(TraceRecord, FailingProgramLeavesNoTrace) {
  if (!valgrind_present()) GTEST_SKIP() << "valgrind is not installed: apt-get install valgrind";
  const fs::path mvt = scratch("-false.mvt");
  EXPECT_EQ(run_shell(std::string(MEMVIRT_BIN) + " record -o " + mvt.string() +
                      " -- /bin/false 2>/dev/null"),
            1);
  EXPECT_FALSE(fs::exists(mvt));
  EXPECT_FALSE(fs::exists(mvt.string() + ".partial"));
}

}  // namespace
}  // namespace memvirt
