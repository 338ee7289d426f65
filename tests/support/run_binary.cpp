#include "support/run_binary.hpp"

#include <fmt/format.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace memvirt::test {

namespace fs = std::filesystem;

fs::path scratch_file(const std::string& stem) {
  static int counter = 0;
  return fs::temp_directory_path() /
         (stem + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
}

fs::path make_scratch_dir(const std::string& stem) {
  const fs::path dir = fs::temp_directory_path() / (stem + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string shell_output(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  pclose(pipe);
  return out;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Outcome run_memvirt(const std::vector<std::string>& args) { return run_memvirt(args, {}); }

namespace {

// `prefix` is shell text of the test's own, run before the binary (never data).
Outcome run_with_prefix(const std::string& prefix, const std::vector<std::string>& args,
                        const Environment& env, const std::string& suffix = "") {
  const fs::path err_path = scratch_file("memvirt-stderr");
  // env(1), since a quoted NAME=value is not an assignment to the shell.
  std::string command = prefix + (env.empty() ? "" : "env ");
  for (const auto& [name, value] : env) command += shell_quote(name + "=" + value) + " ";
  command += shell_quote(MEMVIRT_BIN);
  for (const std::string& a : args) command += " " + shell_quote(a);
  command += " 2>" + shell_quote(err_path.string()) + suffix;
  Outcome o;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return o;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) o.out.append(buf, n);
  const int status = pclose(pipe);
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.err = read_file(err_path);
  fs::remove(err_path);
  return o;
}

}  // namespace

Outcome run_memvirt(const std::vector<std::string>& args, const Environment& env) {
  return run_with_prefix("", args, env);
}

Outcome run_memvirt_reading(const std::vector<std::string>& args, const fs::path& stdin_file) {
  return run_with_prefix("", args, {}, " <" + shell_quote(stdin_file.string()));
}

Outcome run_memvirt_in_memory(const std::vector<std::string>& args, uint64_t address_space_kib) {
  return run_with_prefix(fmt::format("ulimit -v {} && exec ", address_space_kib), args, {});
}

pid_t start_memvirt(const std::vector<std::string>& args) {
  std::vector<std::string> argv_text = {MEMVIRT_BIN};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (int fd : {0, 1, 2}) posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_RDWR, 0);
  // A test run in the background may inherit SIGINT ignored; the test means to send it.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  pid_t pid = -1;
  const int err = posix_spawn(&pid, MEMVIRT_BIN, &actions, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  return err == 0 ? pid : -1;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

std::vector<std::string> temporaries_in(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".tmp.") != std::string::npos) names.push_back(name);
  }
  return names;
}

bool wait_for_temporary(const fs::path& dir, double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (!temporaries_in(dir).empty()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace memvirt::test
