#pragma once
// Runs the real `memvirt` binary for the command-line tests and reads back what it wrote.
#include <cstdint>
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "text/shell_quote.hpp"

namespace memvirt::test {

struct Outcome {
  int exit_code = -1;  // -1 when the binary could not be started or did not exit normally
  std::string out;
  std::string err;
};

// A file name no other test process uses: ctest runs tests in parallel.
std::filesystem::path scratch_file(const std::string& stem);

// A fresh, empty directory of that kind, for one test process.
std::filesystem::path make_scratch_dir(const std::string& stem);

// What /bin/sh -c `command` writes on stdout.
std::string shell_output(const std::string& command);

// The whole file, or "" if it cannot be opened.
std::string read_file(const std::filesystem::path& path);

// Runs memvirt with `args`. popen gives one pipe, for stdout; stderr goes through a scratch file,
// so the two stay apart and stderr is never a terminal (no progress bar).
Outcome run_memvirt(const std::vector<std::string>& args);

// The same with `env` (name, value) set in the binary's environment, e.g. a home of its own.
using Environment = std::vector<std::pair<std::string, std::string>>;
Outcome run_memvirt(const std::vector<std::string>& args, const Environment& env);

// The binary with `stdin_file` on its standard input.
Outcome run_memvirt_reading(const std::vector<std::string>& args,
                            const std::filesystem::path& stdin_file);

// The binary with its address space limited (`ulimit -v`), to see it run out of memory.
Outcome run_memvirt_in_memory(const std::vector<std::string>& args, uint64_t address_space_kib);

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
