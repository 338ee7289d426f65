#include "workload/trace/child_process.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <stdexcept>

namespace memvirt {

Child::Child(pid_t pid, const ChildWatch& watch) : pid_(pid), watch_(watch) {
  if (watch_) watch_(pid_);
}

Child::~Child() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait_status();
}

int Child::wait_status() {
  if (watch_) watch_(0);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = 0;
  return status;
}

void check_child_exit(const std::vector<std::string>& command, int status, const char* tool) {
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  const std::string how = WIFEXITED(status)
                              ? "exited with status " + std::to_string(WEXITSTATUS(status))
                              : "was killed by signal " + std::to_string(WTERMSIG(status));
  throw std::runtime_error("record: " + command.front() + " " + how + " under " + tool +
                           " (no trace written)");
}

std::vector<char*> spawn_argv(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  return argv;
}

}  // namespace memvirt
