// `memvirt sweep --emit-jobs`: the job files and run-array.sh run as written from any directory,
// whatever the paths in them hold.
#include "sim/sweep_jobs.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/run_binary.hpp"
#include "timing/cpu_presets.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace test;

// Runs `command` with /bin/sh in `cwd`; the exit code, or -1.
int shell_in(const fs::path& cwd, const std::string& command) {
  const std::string line = "cd " + shell_quote(cwd.string()) + " && " + command + " >/dev/null";
  const int status = std::system(line.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string memvirt_words(const std::vector<std::string>& args) {
  std::string words = shell_quote(MEMVIRT_BIN);
  for (const std::string& a : args) words += " " + shell_quote(a);
  return words;
}

const std::vector<std::string> kSmallSweep = {"sweep", "--workload", "random:ws=64KiB,steps=200",
                                              "--mode", "native,nested"};

TEST(SweepJobs, EmitJobsQuotesPathsForTheShell) {
  const fs::path dir = make_scratch_dir("memvirt-jobs-quoting");
  const fs::path jobs = dir / "j$(touch PWNED) it's \"`touch PWNED2`\"";
  std::vector<std::string> args = kSmallSweep;
  args.insert(args.end(), {"--emit-jobs", jobs.string()});
  const Outcome emitted = run_memvirt(args);
  ASSERT_EQ(emitted.exit_code, 0) << emitted.err;
  fs::create_directories(dir / "elsewhere");
  // Task 0 as Slurm would run it, task 1 by its job file's command; both from another directory.
  EXPECT_EQ(shell_in(dir / "elsewhere",
                     "SLURM_ARRAY_TASK_ID=0 bash " + shell_quote((jobs / "run-array.sh").string())),
            0);
  const json job = json::parse(read_file(jobs / "job-0001.json"));
  EXPECT_EQ(shell_in(dir / "elsewhere", job["command"].get<std::string>()), 0) << job["command"];
  EXPECT_TRUE(fs::exists(jobs / "result-0000.json"));
  EXPECT_TRUE(fs::exists(jobs / "result-0001.json"));
  for (const fs::path& where : {dir, dir / "elsewhere", jobs}) {
    EXPECT_FALSE(fs::exists(where / "PWNED")) << where;
    EXPECT_FALSE(fs::exists(where / "PWNED2")) << where;
  }
  const std::string script = read_file(jobs / "run-array.sh");
  EXPECT_NE(script.find("no --output"), std::string::npos) << script;  // Slurm could not take it
  fs::remove_all(dir);
}

TEST(SweepJobs, EmitJobsStoreAbsolutePathsSoJobsRunFromAnywhere) {
  const fs::path dir = make_scratch_dir("memvirt-jobs-relative");
  std::ofstream(dir / "t.lackey") << "I  04001000,4\n L 10000000,8\n S 10001000,8\n";
  for (const EmbeddedPreset& p : embedded_cpu_presets())
    if (p.name == "zen3") std::ofstream(dir / "my.json") << p.text;
  const std::vector<std::string> args = {"sweep",   "--workload",  "trace:t.lackey",
                                         "--mode",  "native",      "--cpu",
                                         "my.json", "--emit-jobs", "jobs"};
  ASSERT_EQ(shell_in(dir, memvirt_words(args)), 0);
  const json job = json::parse(read_file(dir / "jobs" / "job-0000.json"));
  EXPECT_EQ(job["sweep"]["workloads"][0], "trace:" + (dir / "t.lackey").string() + ",format=auto");
  EXPECT_EQ(job["sweep"]["cpus"][0], (dir / "my.json").string());
  fs::create_directories(dir / "elsewhere");
  EXPECT_EQ(shell_in(dir / "elsewhere", job["command"].get<std::string>()), 0) << job["command"];
  EXPECT_EQ(json::parse(read_file(dir / "jobs" / "result-0000.json"))["results"].size(), 1u);
  fs::remove_all(dir);
}

TEST(SweepJobs, JobDirectoryWithAControlCharacterIsAUsageError) {
  const fs::path dir = make_scratch_dir("memvirt-jobs-control");
  std::vector<std::string> args = kSmallSweep;
  args.insert(args.end(), {"--emit-jobs", (dir / "j\nrm -rf x").string()});
  const Outcome o = run_memvirt(args);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("j\\nrm -rf x' holds a control character"), std::string::npos) << o.err;
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}

TEST(SweepJobs, SlurmOutputDirectiveOnlyForPlainDirectoryNames) {
  EXPECT_NE(slurm_array_script("/home/me/jobs", 3, "/bin/memvirt")
                .find("#SBATCH --output=/home/me/jobs/slurm-%A_%a.out\n"),
            std::string::npos);
  const std::string odd = slurm_array_script("/home/me/my jobs%j", 3, "/bin/memvirt");
  EXPECT_EQ(odd.find("#SBATCH --output"), std::string::npos);
  EXPECT_NE(odd.find("dir='/home/me/my jobs%j'\n"), std::string::npos) << odd;
  EXPECT_EQ(job_command("/opt/mem virt", "/j/job-0000.json", "/j/result-0000.json"),
            "'/opt/mem virt' sweep --job '/j/job-0000.json' -o '/j/result-0000.json'");
}

}  // namespace
}  // namespace memvirt
