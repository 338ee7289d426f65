#pragma once
// Ends a runaway guest: unless disarmed within its bound, a timer thread sets the vCPU's
// immediate_exit and signals the thread that runs it, so KVM_RUN returns Interrupted (whether
// the signal lands inside KVM_RUN or just before it: immediate_exit covers the gap).
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <pthread.h>
#include <thread>

#include "kvm/kvm_fd.hpp"

namespace memvirt {

class Watchdog {
 public:
  // Watches the calling thread, which is the one that will call vcpu.run().
  Watchdog(const Vcpu& vcpu, std::chrono::milliseconds bound);
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  ~Watchdog();  // disarms and joins

  bool fired() const;
  std::chrono::milliseconds bound() const { return bound_; }

 private:
  void watch();

  const Vcpu& vcpu_;
  std::chrono::milliseconds bound_;
  pthread_t target_;
  mutable std::mutex mutex_;
  std::condition_variable disarm_;
  bool disarmed_ = false;
  bool fired_ = false;
  std::thread thread_;
};

}  // namespace memvirt
