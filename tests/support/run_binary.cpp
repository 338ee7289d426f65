#include "support/run_binary.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

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

}  // namespace memvirt::test
