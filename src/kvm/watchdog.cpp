#include "kvm/watchdog.hpp"

#include <csignal>

namespace memvirt {
namespace {

// The kick signal only has to interrupt the ioctl; its handler does nothing. Installed without
// SA_RESTART, so KVM_RUN returns EINTR instead of being restarted.
constexpr int kKickSignal = SIGUSR2;

void ignore_kick(int) {}

void install_kick_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_handler = ignore_kick;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    sigaction(kKickSignal, &action, nullptr);
  });
}

}  // namespace

Watchdog::Watchdog(const Vcpu& vcpu, std::chrono::milliseconds bound)
    : vcpu_(vcpu), bound_(bound), target_(pthread_self()) {
  install_kick_handler();
  thread_ = std::thread([this] { watch(); });
}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(mutex_);
    disarmed_ = true;
  }
  disarm_.notify_one();
  thread_.join();
}

bool Watchdog::fired() const {
  std::lock_guard lock(mutex_);
  return fired_;
}

void Watchdog::watch() {
  std::unique_lock lock(mutex_);
  if (disarm_.wait_for(lock, bound_, [this] { return disarmed_; })) return;
  fired_ = true;
  vcpu_.request_immediate_exit();
  pthread_kill(target_, kKickSignal);
}

}  // namespace memvirt
