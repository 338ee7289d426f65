#include "report/interrupt_stop.hpp"

#include <signal.h>

#include <atomic>
#include <stdexcept>

#include "report/signal_cleanup.hpp"

namespace memvirt {
namespace {

std::atomic<pid_t> g_pid{0};
std::atomic<bool> g_requested{false};
std::atomic<bool> g_installed{false};
struct sigaction g_previous {};
static_assert(std::atomic<pid_t>::is_always_lock_free, "the handler reads the pid");

void on_interrupt(int sig) {
  if (!g_requested.exchange(true)) {
    const pid_t pid = g_pid.load();
    if (pid > 0) ::kill(pid, SIGKILL);
    return;
  }
  // The second Ctrl-C: the user wants out now.
  ::sigaction(sig, &g_previous, nullptr);
  ::raise(sig);
}

}  // namespace

InterruptStop::InterruptStop() {
  if (g_installed.exchange(true)) throw std::logic_error("InterruptStop: one at a time");
  g_requested = false;
  g_pid = 0;
  SignalCleanup::install();  // first, so that it hands the second SIGINT on to them
  struct sigaction old {};
  ::sigaction(SIGINT, nullptr, &old);
  g_previous = old;
  if (old.sa_handler == SIG_IGN) return;  // started in the background by a shell: leave it so
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &action, nullptr);
}

InterruptStop::~InterruptStop() {
  ::sigaction(SIGINT, &g_previous, nullptr);
  g_pid = 0;
  g_installed = false;
}

void InterruptStop::watch(pid_t pid) { g_pid = pid; }

bool InterruptStop::requested() { return g_requested.load(); }

}  // namespace memvirt
