#pragma once
// A recorder's child process (valgrind, qemu-x86_64): told to whoever must stop it on a signal,
// killed and reaped if the recording fails before it ends.
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace memvirt {

struct RecordResult {
  uint64_t records = 0;
  uint64_t events = 0;  // address-space events (the qemu tracer's; lackey sees none)
};

// Told the child's pid once it runs and 0 just before it is reaped: whoever must stop it when
// memvirt itself is stopped by a signal needs to know it, and when the pid is no longer its.
using ChildWatch = std::function<void(pid_t)>;

class Child {
 public:
  Child(pid_t pid, const ChildWatch& watch);
  ~Child();  // kills and reaps the child unless wait_status() did
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  int wait_status();  // the raw wait status

 private:
  pid_t pid_;
  const ChildWatch& watch_;
};

// Throws std::runtime_error unless `status` is a clean exit: "record: PROG exited with status 3
// under TOOL (no trace written)", or "was killed by signal 9".
void check_child_exit(const std::vector<std::string>& command, int status, const char* tool);

// `args` as posix_spawnp takes them; the strings must outlive the result.
std::vector<char*> spawn_argv(const std::vector<std::string>& args);

}  // namespace memvirt
