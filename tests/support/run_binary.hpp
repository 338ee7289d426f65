#pragma once
// Runs the real `memvirt` binary for the command-line tests and reads back what it wrote.
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace memvirt::test {

struct Outcome {
  int exit_code = -1;  // -1 when the binary could not be started or did not exit normally
  std::string out;
  std::string err;
};

// A file name no other test process uses: ctest runs tests in parallel.
std::filesystem::path scratch_file(const std::string& stem);

// The whole file, or "" if it cannot be opened.
std::string read_file(const std::filesystem::path& path);

// `arg` as one word for /bin/sh, whatever it contains.
std::string shell_quote(const std::string& arg);

// Runs memvirt with `args`. popen gives one pipe, for stdout; stderr goes through a scratch file,
// so the two stay apart and stderr is never a terminal (no progress bar).
Outcome run_memvirt(const std::vector<std::string>& args);

// The same with `env` (name, value) set in the binary's environment, e.g. a home of its own.
using Environment = std::vector<std::pair<std::string, std::string>>;
Outcome run_memvirt(const std::vector<std::string>& args, const Environment& env);

// Starts memvirt with `args` in the background (stdin, stdout and stderr on /dev/null), for a
// test that signals it; -1 if it could not be started.
pid_t start_memvirt(const std::vector<std::string>& args);
// Waits for `pid` to end; its raw wait status.
int wait_for(pid_t pid);

// The names in `dir` that hold ".tmp.": temporaries of an output that was not completed.
std::vector<std::string> temporaries_in(const std::filesystem::path& dir);
// Waits up to `seconds` for a temporary to appear in `dir`: the run has opened its output.
bool wait_for_temporary(const std::filesystem::path& dir, double seconds);

}  // namespace memvirt::test
