#pragma once
// What a signal that ends memvirt (SIGINT, SIGTERM, SIGHUP) must not leave behind: a temporary
// output file is removed and a recorded program is killed, and then the signal ends memvirt as
// it would have. A normal exit or an exception cleans up in destructors; this covers the one way
// out on which no destructor runs. SIGKILL cannot be caught: after it a temporary may remain.
#include <sys/types.h>

#include <string>

namespace memvirt {

class SignalCleanup {
 public:
  // The handlers are installed with the first entry (a signal the process ignores stays
  // ignored). At most kSlots entries exist at once; past that, or for a path longer than the
  // slot, the entry does nothing: the temporary would stay behind only if a signal came.
  static constexpr int kSlots = 32;
  static SignalCleanup remove_file(const std::string& path);
  static SignalCleanup kill_process(pid_t pid);
  // Installs the handlers now (the first entry would): a handler that takes SIGINT over for a
  // while (InterruptStop) is then not replaced by them, and hands the signal on to them.
  static void install();

  SignalCleanup() = default;
  SignalCleanup(SignalCleanup&& other) noexcept : slot_(other.slot_) { other.slot_ = -1; }
  SignalCleanup& operator=(SignalCleanup&& other) noexcept;
  SignalCleanup(const SignalCleanup&) = delete;
  SignalCleanup& operator=(const SignalCleanup&) = delete;
  ~SignalCleanup() { release(); }

  // The file was renamed or removed, the process reaped: a signal must no longer touch it.
  void release() noexcept;

 private:
  explicit SignalCleanup(int slot) : slot_(slot) {}
  int slot_ = -1;
};

}  // namespace memvirt
