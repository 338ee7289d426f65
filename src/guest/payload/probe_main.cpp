// The guest payload's entry: runs at CPL 3 in 64-bit mode with rdi = the mailbox (see
// guest/probe_abi.hpp), does what the mailbox asks, and ends with a write to kDonePort.
// Built freestanding only (src/guest/CMakeLists.txt); never part of the host library.
#include "guest/probe_abi.hpp"
#include "guest/probe_loops.hpp"

namespace memvirt::probe {
namespace {

LoopResult dispatch(const Mailbox& box) {
  switch (static_cast<ProbeKind>(box.kind)) {
    case ProbeKind::kListWalk: return list_walk(box.args[0], box.args[1]);
    case ProbeKind::kRandomAccess:
      return random_access(box.args[0], box.args[1], box.args[2], box.args[3],
                           __builtin_bit_cast(double, box.args[4]));
    case ProbeKind::kTouch: return {0, touch(box.args[0], box.args[1], box.args[2])};
    case ProbeKind::kPortWrites: return port_writes(kProbePort, box.args[0]);
    case ProbeKind::kMmioWrites: return mmio_writes(box.args[0], box.args[1]);
    case ProbeKind::kSpin:
      for (;;) asm volatile("" ::: "memory");
    case ProbeKind::kHlt: asm volatile("hlt"); break;
  }
  return {};
}

}  // namespace
}  // namespace memvirt::probe

// First in .text (probe.ld), so the entry point is kProbeLoadAddress.
extern "C" [[noreturn]] __attribute__((section(".text.entry"), used)) void probe_entry(
    memvirt::probe::Mailbox* box) {
  using namespace memvirt::probe;
  const LoopResult r = dispatch(*box);
  box->cycles = r.cycles;
  box->checksum = r.checksum;
  box->status = kDoneMagic;
  // The VMM does not resume a finished probe; repeating the write keeps a stray resume harmless.
  for (;;) port_out(kDonePort, kDoneMagic);
}
