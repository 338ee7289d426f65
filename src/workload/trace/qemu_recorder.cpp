#include "workload/trace/qemu_recorder.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <system_error>

#include "text/message_quote.hpp"
#include "workload/trace/byte_source.hpp"
#include "workload/trace/qemu_wire_decoder.hpp"
#include "workload/trace/trace_error.hpp"

extern char** environ;

namespace memvirt {
namespace {

constexpr const char* kQemu = "qemu-x86_64";
constexpr const char* kPluginName = "memvirt-qemu-plugin.so";
// The plugin's descriptor is moved this high so that the program's own descriptors (which
// qemu-user does not keep apart from the plugin's) are unlikely to meet it.
constexpr int kPluginFdFloor = 200;

std::vector<std::string> qemu_argv(const std::vector<std::string>& command,
                                   const QemuTracer& tracer, int fd) {
  std::string plugin = tracer.plugin + ",fd=" + std::to_string(fd);
  if (tracer.per_block) plugin += ",exec=block";
  std::vector<std::string> argv{kQemu, "-plugin", plugin};
  argv.insert(argv.end(), command.begin(), command.end());
  return argv;
}

pid_t spawn_qemu(const std::vector<std::string>& args, bool stdout_to_stderr) {
  std::vector<char*> argv = spawn_argv(args);
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  if (stdout_to_stderr) ::posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  pid_t pid = 0;
  const int err = ::posix_spawnp(&pid, kQemu, &actions, nullptr, argv.data(), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  if (err == ENOENT)
    throw std::runtime_error(
        "record: qemu-x86_64 is not installed or not on PATH; install it "
        "(Debian/Ubuntu: apt-get install qemu-user) or use --tracer lackey");
  if (err != 0)
    throw std::system_error(err, std::generic_category(), "record: cannot run qemu-x86_64");
  return pid;
}

// The pipe's read end (close-on-exec) and its write end moved above kPluginFdFloor, which qemu
// inherits. A larger pipe lets the plugin run further ahead of the decoder.
std::array<int, 2> trace_pipe() {
  std::array<int, 2> fds{};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0)
    throw std::system_error(errno, std::generic_category(), "record: pipe");
  (void)::fcntl(fds[0], F_SETPIPE_SZ, 1 << 20);  // best effort: the default size works too
  const int high = ::fcntl(fds[1], F_DUPFD, kPluginFdFloor);
  const int err = errno;
  ::close(fds[1]);
  if (high < 0) {
    ::close(fds[0]);
    throw std::system_error(err, std::generic_category(), "record: fcntl(F_DUPFD)");
  }
  fds[1] = high;
  return fds;
}

// The executable `name` names on PATH, as execvp would find it; "" if none.
std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  const std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t colon = std::min(dirs.find(':', start), dirs.size());
    const std::string dir = colon > start ? dirs.substr(start, colon - start) : ".";
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate))
      return candidate;
    start = colon + 1;
  }
  return "";
}

// qemu-user opens its program by path and does not search PATH: the lookup is done here.
std::vector<std::string> resolved(std::vector<std::string> command) {
  if (command.front().find('/') != std::string::npos) return command;
  const std::string found = find_on_path(command.front());
  if (found.empty())
    throw std::runtime_error("record: " + message_quote(command.front()) +
                             " is not a program on PATH");
  command.front() = found;
  return command;
}

}  // namespace

std::optional<std::string> find_qemu_plugin() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("MEMVIRT_QEMU_PLUGIN"); env != nullptr && *env != '\0') {
    if (!fs::is_regular_file(env))
      throw std::runtime_error("record: MEMVIRT_QEMU_PLUGIN names no file: " +
                               message_escape(env, kMessagePathLimit));
    return std::string(env);
  }
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  const fs::path beside = self.parent_path() / kPluginName;
  if (!fs::is_regular_file(beside, ec)) return std::nullopt;
  return beside.string();
}

bool qemu_available() { return !find_on_path(kQemu).empty(); }

RecordResult record_with_qemu(const std::vector<std::string>& command, const QemuTracer& tracer,
                              TraceSink& sink, const ChildWatch& watch) {
  if (command.empty()) throw std::invalid_argument("record: no program given");
  if (tracer.plugin.find(',') != std::string::npos)
    throw std::runtime_error(
        "record: the QEMU plugin's path holds a comma, which qemu's "
        "-plugin option cannot take: " +
        message_escape(tracer.plugin, kMessagePathLimit));
  const std::array<int, 2> fds = trace_pipe();
  auto stream = std::make_unique<FileSource>(fds[0], "QEMU plugin output");
  pid_t pid = 0;
  try {
    pid = spawn_qemu(qemu_argv(resolved(command), tracer, fds[1]), tracer.stdout_to_stderr);
  } catch (...) {
    ::close(fds[1]);
    throw;
  }
  Child child(pid, watch);
  ::close(fds[1]);  // so that the pipe ends when qemu (and every process it forked) does
  QemuWireDecoder decoder(std::move(stream), sink);
  try {
    decoder.run();
  } catch (const TraceError&) {
    // Nothing at all arrived: qemu failed before the plugin ran, and its status says why.
    if (decoder.offset() == 0) check_child_exit(command, child.wait_status(), kQemu);
    throw;
  }
  check_child_exit(command, child.wait_status(), kQemu);
  return {decoder.records(), decoder.events()};
}

}  // namespace memvirt
