#pragma once
// The contract between the VMM (src/kvm) and the probe payload running in the guest: where the
// payload is loaded, how it is told what to run (a mailbox in a shared page, whose guest-virtual
// address arrives in rdi), and how it says it is done (a write to kDonePort).
// Freestanding: the payload includes this too.
#include <cstdint>

namespace memvirt::probe {

// The payload is linked to run here (payload/probe.ld says the same); code and data fit below
// kProbeImageLimit.
inline constexpr uint64_t kProbeLoadAddress = 0x10000;
inline constexpr uint64_t kProbeImageLimit = 0x10000;

inline constexpr uint16_t kDonePort = 0x500;   // the probe's last act: out kDoneMagic here
inline constexpr uint16_t kProbePort = 0x501;  // the I/O-exit probe writes 0, 1, 2, ... here
inline constexpr uint32_t kDoneMagic = 0x600d;

enum class ProbeKind : uint64_t {
  kListWalk = 1,    // args: start pointer, steps
  kRandomAccess,    // args: base, words, steps, seed; args[4]: write fraction (double bits)
  kTouch,           // args: base, bytes, stride: one read per stride, to fault pages in
  kPortWrites,      // args: count: out count times to kProbePort, data 0, 1, ...
  kMmioWrites,      // args: address, count: count 4-byte stores to an unbacked address
  kSpin,            // never returns: for the watchdog
  kHlt,             // hlt at CPL 3: #GP, and with no IDT a triple fault
};

struct Mailbox {
  uint64_t kind = 0;
  uint64_t args[5] = {};
  uint64_t cycles = 0;    // rdtsc ticks around the measured loop
  uint64_t checksum = 0;  // list walk: the final pointer; random: sum of the words read
  uint64_t status = 0;    // kDoneMagic once the probe has finished
};

}  // namespace memvirt::probe
