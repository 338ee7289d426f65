#pragma once
// The measured loops. probe_loops.cpp is compiled twice from the same text: freestanding into
// the guest payload, and into memvirt_core (with the same -O2 and no sanitizer instrumentation)
// so that `memvirt measure native` times the identical loop in a host process.
#include <cstdint>

namespace memvirt::probe {

struct LoopResult {
  uint64_t cycles = 0;
  uint64_t checksum = 0;
};

// lfence; rdtsc: the read waits for earlier instructions, so the loop is inside the interval.
uint64_t read_tsc();

// Follows `n` pointers (the first word of each element) `steps` times from `start`; the checksum
// is the final pointer.
LoopResult list_walk(uint64_t start, uint64_t steps);

// `steps` accesses to the 8-byte words of [base, base + 8 * words), drawn exactly as the
// simulator's RandomAccess draws them (Rng(seed): next_below(words), then next_unit() < write
// makes a store). Word i must hold i; a store writes i back, so memory never changes and the
// checksum (sum of the words read) is predictable.
LoopResult random_access(uint64_t base, uint64_t words, uint64_t steps, uint64_t seed,
                         double write);

// One read every `stride` bytes of [base, base + bytes): makes every page present (and, under
// shadow paging, shadowed) before a measurement. Returns the sum, so the reads stay.
uint64_t touch(uint64_t base, uint64_t bytes, uint64_t stride);

// Guest only: privileged or exiting operations.
LoopResult port_writes(uint16_t port, uint64_t count);      // out count times, data 0, 1, ...
LoopResult mmio_writes(uint64_t address, uint64_t count);  // count 4-byte stores
void port_out(uint16_t port, uint32_t value);

}  // namespace memvirt::probe
