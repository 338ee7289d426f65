// The one output helper: a file is replaced whole or not at all, its temporary never stays
// behind, and a directory or an input of the run is refused before anything is written.
#include "report/output_file.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/run_binary.hpp"
#include "support/scratch_dir.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;
using namespace test;

TEST(OutputFile, ReplacesTheFileOnlyWhenCommitted) {
  const fs::path dir = fresh_dir("output-commit");
  write_text(dir / "out.json", "old\n");
  {
    OutputFile out(dir / "out.json");
    out.stream() << "new\n";
    out.stream().flush();
    EXPECT_EQ(read_file(dir / "out.json"), "old\n");
    out.commit();
  }
  EXPECT_EQ(read_file(dir / "out.json"), "new\n");
  EXPECT_TRUE(temporaries_in(dir).empty());
  fs::remove_all(dir);
}

TEST(OutputFile, AbandonedOutputLeavesTheOldFileAndNoTemporary) {
  const fs::path dir = fresh_dir("output-abandon");
  write_text(dir / "out.json", "old\n");
  try {
    OutputFile out(dir / "out.json");
    out.stream() << "half of a report";
    ASSERT_EQ(temporaries_in(dir).size(), 1u);
    throw std::runtime_error("the run failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(read_file(dir / "out.json"), "old\n");
  EXPECT_TRUE(temporaries_in(dir).empty());
  fs::remove_all(dir);
}

// RLIMIT_FSIZE makes the write fail as a full disk does (EFBIG standing in for ENOSPC), in a
// child process so that the limit stays there.
TEST(OutputFile, FullDiskLeavesTheOldFileAndNoTemporary) {
  const fs::path dir = fresh_dir("output-full");
  write_text(dir / "results.json", "old\n");
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{4096, 4096};
    setrlimit(RLIMIT_FSIZE, &limit);
    try {
      write_file_atomically(dir / "results.json", std::string(1 << 20, 'x'));
    } catch (const std::runtime_error& e) {
      const std::string what = e.what();
      _exit(what.find("results.json") != std::string::npos &&
                    what.find("left as it was") != std::string::npos
                ? 0
                : 3);
    }
    _exit(4);
  }
  const int status = wait_for(pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "3: the message, 4: no error";
  EXPECT_EQ(read_file(dir / "results.json"), "old\n");
  EXPECT_TRUE(temporaries_in(dir).empty());
  fs::remove_all(dir);
}

TEST(OutputFile, RefusesADirectory) {
  const fs::path dir = fresh_dir("output-directory");
  try {
    OutputFile out(dir);
    FAIL() << "no exception";
  } catch (const OutputRefused& e) {
    EXPECT_NE(std::string(e.what()).find("is a directory"), std::string::npos) << e.what();
  }
  for (const std::string& name : temporaries_in(dir.parent_path()))
    EXPECT_EQ(name.find(dir.filename().string()), std::string::npos) << name;
  fs::remove_all(dir);
}

TEST(OutputFile, RefusesAnInputUnderAnotherName) {
  const fs::path dir = fresh_dir("output-input");
  write_text(dir / "trace.lackey", "I  04010173,3\n");
  fs::create_hard_link(dir / "trace.lackey", dir / "alias.json");
  fs::create_directories(dir / "sub");
  const std::vector<InputFile> inputs = {{dir / "trace.lackey", "the trace of --workload"}};
  EXPECT_THROW(OutputFile(dir / "alias.json", inputs), OutputRefused);  // same inode
  EXPECT_THROW(OutputFile(dir / "sub" / ".." / "trace.lackey", inputs), OutputRefused);
  try {
    OutputFile out(dir / "trace.lackey", inputs);
    FAIL() << "no exception";
  } catch (const OutputRefused& e) {
    EXPECT_NE(std::string(e.what()).find("the trace of --workload"), std::string::npos);
  }
  // Two outputs of one run that do not exist yet: the same resolved name.
  EXPECT_THROW(OutputFile(dir / "new.json", {{dir / "sub" / ".." / "new.json", "the -o trace"}}),
               OutputRefused);
  EXPECT_EQ(read_file(dir / "trace.lackey"), "I  04010173,3\n");
  EXPECT_TRUE(temporaries_in(dir).empty());
  fs::remove_all(dir);
}

TEST(OutputFile, WritesDevicesInPlace) {
  write_file_atomically("/dev/null", "anything\n");
  struct stat st {};
  ASSERT_EQ(stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST(OutputFile, WritesThroughASymbolicLinkAndKeepsPermissions) {
  const fs::path dir = fresh_dir("output-link");
  write_text(dir / "real.json", "old\n");
  fs::permissions(dir / "real.json", fs::perms::owner_read | fs::perms::owner_write |
                                         fs::perms::owner_exec | fs::perms::group_read);
  fs::create_symlink("real.json", dir / "link.json");
  write_file_atomically(dir / "link.json", "new\n");
  EXPECT_TRUE(fs::is_symlink(dir / "link.json"));
  EXPECT_EQ(read_file(dir / "real.json"), "new\n");
  EXPECT_EQ(fs::status(dir / "real.json").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::owner_exec |
                fs::perms::group_read);
  fs::remove_all(dir);
}

TEST(OutputFile, MissingDirectoryIsAnErrorNamingTheFile) {
  try {
    OutputFile out("/nonexistent-memvirt-dir/out.json");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-memvirt-dir/out.json"), std::string::npos);
  }
}

}  // namespace
}  // namespace memvirt
