#include "kvm/vcpu_exit.hpp"

#include <fmt/format.h>

namespace memvirt {
namespace {

struct Describe {
  std::string operator()(const IoExit& e) const {
    return fmt::format("I/O {} port {:#x} size {} data {:#x}",
                       e.direction == IoExit::Direction::kOut ? "out" : "in", e.port, e.size,
                       e.data);
  }
  std::string operator()(const MmioExit& e) const {
    return fmt::format("MMIO {} gPA {:#x} length {}", e.is_write ? "write" : "read", e.gpa,
                       e.length);
  }
  std::string operator()(const Shutdown&) const { return "shutdown (triple fault)"; }
  std::string operator()(const InternalError& e) const {
    return fmt::format("KVM internal error, suberror {}", e.suberror);
  }
  std::string operator()(const FailEntry& e) const {
    return fmt::format("VM entry failed, hardware reason {:#x}", e.reason);
  }
  std::string operator()(const Hlt&) const { return "hlt"; }
  std::string operator()(const Interrupted&) const { return "interrupted"; }
  std::string operator()(const Unknown& e) const {
    return fmt::format("unhandled exit reason {}", e.reason);
  }
};

}  // namespace

std::string describe(const VcpuExit& exit) { return std::visit(Describe{}, exit); }

}  // namespace memvirt
