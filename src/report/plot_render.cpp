#include "report/plot_render.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace memvirt {
namespace {

std::string required_gnuplot() {
  const std::optional<std::string> gnuplot = find_gnuplot();
  if (!gnuplot)
    throw std::runtime_error(
        "gnuplot not found on PATH; install it, e.g. `apt-get install gnuplot-nox`");
  return *gnuplot;
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
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
    throw std::invalid_argument(fmt::format("'{}' ends in neither .svg nor .png", path));
  return terminal_list(gnuplot).find(" pngcairo ") != std::string::npos ? "pngcairo" : "png";
}

void run_gnuplot(const std::string& script) {
  const std::string command = shell_quote(required_gnuplot());
  FILE* pipe = popen(command.c_str(), "w");
  if (pipe == nullptr) throw std::runtime_error("cannot start gnuplot");
  const bool written = fwrite(script.data(), 1, script.size(), pipe) == script.size();
  const int status = pclose(pipe);
  if (!written || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("gnuplot failed (its message is above)");
}

}  // namespace memvirt
