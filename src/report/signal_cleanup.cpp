#include "report/signal_cleanup.hpp"

#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace memvirt {
namespace {

// A slot is read by the signal handler, on any thread, at any moment: it is armed only once
// filled, and the handler touches armed slots only, through async-signal-safe calls alone.
enum SlotState : int { kFree, kFilling, kArmed };

struct Slot {
  std::atomic<int> state{kFree};
  pid_t pid = 0;  // > 0: kill it; else remove `path`
  char path[PATH_MAX] = {};
};

Slot g_slots[SignalCleanup::kSlots];
static_assert(std::atomic<int>::is_always_lock_free, "the handler reads the states");

void on_signal(int sig) {
  for (Slot& slot : g_slots) {
    if (slot.state.load(std::memory_order_acquire) != kArmed) continue;
    if (slot.pid > 0) {
      ::kill(slot.pid, SIGKILL);
    } else {
      ::unlink(slot.path);
    }
  }
  // The signal is blocked while its handler runs: raised again with the default action, it ends
  // the process as soon as the handler returns, with the status the signal gives.
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void install_handlers() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) != 0 || old.sa_handler == SIG_IGN) continue;
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigfillset(&action.sa_mask);  // one handler at a time: no second signal mid-cleanup
    ::sigaction(sig, &action, nullptr);
  }
}

// The claimed slot in the kFilling state, or -1 if all are taken.
int claim_slot() {
  SignalCleanup::install();
  for (int i = 0; i < SignalCleanup::kSlots; ++i) {
    int expected = kFree;
    if (g_slots[i].state.compare_exchange_strong(expected, kFilling)) return i;
  }
  return -1;
}

}  // namespace

void SignalCleanup::install() {
  static std::once_flag installed;
  std::call_once(installed, install_handlers);
}

SignalCleanup SignalCleanup::remove_file(const std::string& path) {
  if (path.size() >= PATH_MAX) return {};
  const int slot = claim_slot();
  if (slot < 0) return {};
  g_slots[slot].pid = 0;
  std::memcpy(g_slots[slot].path, path.c_str(), path.size() + 1);
  g_slots[slot].state.store(kArmed, std::memory_order_release);
  return SignalCleanup(slot);
}

SignalCleanup SignalCleanup::kill_process(pid_t pid) {
  if (pid <= 0) return {};
  const int slot = claim_slot();
  if (slot < 0) return {};
  g_slots[slot].pid = pid;
  g_slots[slot].state.store(kArmed, std::memory_order_release);
  return SignalCleanup(slot);
}

SignalCleanup& SignalCleanup::operator=(SignalCleanup&& other) noexcept {
  if (this != &other) {
    release();
    slot_ = other.slot_;
    other.slot_ = -1;
  }
  return *this;
}

void SignalCleanup::release() noexcept {
  if (slot_ < 0) return;
  g_slots[slot_].state.store(kFree, std::memory_order_release);
  slot_ = -1;
}

}  // namespace memvirt
