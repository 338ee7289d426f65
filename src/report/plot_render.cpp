#include "report/plot_render.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include "report/picture_file.hpp"
#include "text/message_quote.hpp"
#include "text/shell_quote.hpp"

extern char** environ;

namespace memvirt {
namespace {

std::string required_gnuplot() {
  const std::optional<std::string> gnuplot = find_gnuplot();
  if (!gnuplot)
    throw std::runtime_error(
        "gnuplot not found on PATH; install it, e.g. `apt-get install gnuplot-nox`");
  return *gnuplot;
}

// What `gnuplot -e 'set terminal'` lists; it prints the list on stderr.
std::string terminal_list(const std::string& gnuplot) {
  const std::string command = shell_quote(gnuplot) + " -e 'set terminal' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  std::string text;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) text.append(buf, n);
  pclose(pipe);
  return text;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// gnuplot with `script_fd` as its stdin and `picture_fd` as its stdout; its stderr is ours.
pid_t spawn_gnuplot(const std::string& gnuplot, int script_fd, int picture_fd) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, script_fd, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, picture_fd, STDOUT_FILENO);
  char* argv[] = {const_cast<char*>(gnuplot.c_str()), nullptr};
  pid_t pid = 0;
  const int error = posix_spawn(&pid, gnuplot.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0)
    throw std::runtime_error(
        fmt::format("cannot start gnuplot {}: {}", message_quote(gnuplot), strerror(error)));
  return pid;
}

// While gnuplot reads the script: a gnuplot that stops early (at an error in a long script)
// must show up as EPIPE and a failed gnuplot, not as a SIGPIPE that ends memvirt without a word.
class SigpipeIgnored {
 public:
  SigpipeIgnored() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &old_);
  }
  ~SigpipeIgnored() { sigaction(SIGPIPE, &old_, nullptr); }
  SigpipeIgnored(const SigpipeIgnored&) = delete;
  SigpipeIgnored& operator=(const SigpipeIgnored&) = delete;

 private:
  struct sigaction old_ {};
};

// Writes all of `script` to `fd` and closes it; false if gnuplot stopped reading first.
bool feed(int fd, std::string_view script) {
  const SigpipeIgnored ignored;
  bool complete = true;
  while (!script.empty()) {
    const ssize_t n = write(fd, script.data(), script.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      complete = false;
      break;
    }
    script.remove_prefix(static_cast<size_t>(n));
  }
  close(fd);
  return complete;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw std::runtime_error("cannot wait for gnuplot");
  return status;
}

void check_gnuplot_status(int status, bool read_all) {
  if (WIFSIGNALED(status))
    throw std::runtime_error(fmt::format("gnuplot was killed by signal {}", WTERMSIG(status)));
  if (WEXITSTATUS(status) != 0)
    throw std::runtime_error(
        fmt::format("gnuplot failed (exit status {}; its message is above)", WEXITSTATUS(status)));
  if (!read_all) throw std::runtime_error("gnuplot stopped before reading the whole script");
}

}  // namespace

std::optional<std::string> find_gnuplot() {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/bin:/bin";
  for (;;) {
    const size_t colon = dirs.find(':');
    const std::string candidate = fmt::format("{}/gnuplot", dirs.substr(0, colon));
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string_view::npos) return std::nullopt;
    dirs.remove_prefix(colon + 1);
  }
}

std::string terminal_for(const std::string& path, const std::string& gnuplot) {
  if (ends_with(path, ".svg")) return "svg";
  if (!ends_with(path, ".png"))
    throw std::invalid_argument(
        fmt::format("{} ends in neither .svg nor .png", message_quote(path)));
  return terminal_list(gnuplot).find(" pngcairo ") != std::string::npos ? "pngcairo" : "png";
}

void render_picture(const std::string& script, const std::string& path) {
  const std::string gnuplot = required_gnuplot();
  PictureFile picture(path);  // before gnuplot starts: a path we cannot write fails now
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    throw std::runtime_error(fmt::format("cannot make a pipe to gnuplot: {}", strerror(errno)));
  pid_t pid = 0;
  try {
    pid = spawn_gnuplot(gnuplot, fds[0], picture.fd());
  } catch (...) {
    close(fds[0]);
    close(fds[1]);
    throw;
  }
  close(fds[0]);
  const bool read_all = feed(fds[1], script);
  check_gnuplot_status(wait_for(pid), read_all);
  picture.commit();
}

}  // namespace memvirt
