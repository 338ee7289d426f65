#pragma once
// Why KVM_RUN returned, decoded once from kvm_run into a typed value (crosvm's VcpuExit).
#include <cstdint>
#include <string>
#include <variant>

namespace memvirt {

struct IoExit {
  enum class Direction : uint8_t { kIn, kOut };
  uint16_t port = 0;
  uint8_t size = 0;  // bytes per item: 1, 2 or 4
  Direction direction = Direction::kOut;
  uint32_t count = 0;  // items (1 except for rep ins/outs)
  uint32_t data = 0;   // the first item, zero-extended
};
struct MmioExit {
  uint64_t gpa = 0;
  uint32_t length = 0;
  bool is_write = false;
  uint64_t data = 0;  // the first `length` bytes, little endian
};
struct Shutdown {};  // triple fault, or a shutdown the backend could not deliver otherwise
struct InternalError {
  uint32_t suberror = 0;
};
struct FailEntry {
  uint64_t reason = 0;  // hardware_entry_failure_reason
};
struct Hlt {};
// KVM_RUN was interrupted by a signal or immediate_exit (the watchdog), before or during the run.
struct Interrupted {};
struct Unknown {
  uint32_t reason = 0;
};

using VcpuExit =
    std::variant<IoExit, MmioExit, Shutdown, InternalError, FailEntry, Hlt, Interrupted, Unknown>;

// "I/O out port 0x501 size 4 data 0x7", "shutdown (triple fault)", ...
std::string describe(const VcpuExit& exit);

}  // namespace memvirt
