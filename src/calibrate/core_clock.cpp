#include "calibrate/core_clock.hpp"

#include <algorithm>
#include <stdexcept>

#include "guest/probe_loops.hpp"

namespace memvirt {
namespace {

constexpr uint64_t kIterations = 100'000;  // 1.6 million cycles: under a millisecond
constexpr uint64_t kAddsPerIteration = 16;

// 16 adds on one register per iteration, each waiting for the one before; the loop's own
// decrement and branch run beside them on other ports, so an iteration takes 16 cycles. The
// addend is a register, not an immediate: some cores (Intel's Golden Cove and later) fold chains
// of immediate adds at rename, faster than one a cycle.
uint64_t add_chain_ticks() {
  uint64_t value = 0;
  uint64_t iterations = kIterations;
  const uint64_t one = 1;
  const uint64_t t0 = probe::read_tsc();
  asm volatile(
      "1:\n\t"
      "add %[one], %[v]\n\tadd %[one], %[v]\n\tadd %[one], %[v]\n\tadd %[one], %[v]\n\t"
      "add %[one], %[v]\n\tadd %[one], %[v]\n\tadd %[one], %[v]\n\tadd %[one], %[v]\n\t"
      "add %[one], %[v]\n\tadd %[one], %[v]\n\tadd %[one], %[v]\n\tadd %[one], %[v]\n\t"
      "add %[one], %[v]\n\tadd %[one], %[v]\n\tadd %[one], %[v]\n\tadd %[one], %[v]\n\t"
      "dec %[n]\n\t"
      "jnz 1b"
      : [v] "+r"(value), [n] "+r"(iterations)
      : [one] "r"(one)
      : "cc");
  const uint64_t t1 = probe::read_tsc();
  if (value != kAddsPerIteration * kIterations) throw std::logic_error("add chain miscounted");
  return t1 - t0;
}

}  // namespace

CoreClock measure_core_clock(double tsc_ghz, unsigned repeats) {
  if (repeats == 0) throw std::invalid_argument("core clock: repeats must be at least 1");
  CoreClock c;
  c.adds = kIterations * kAddsPerIteration;
  add_chain_ticks();  // lets the core reach its clock
  for (unsigned i = 0; i < repeats; ++i)
    c.run_ticks.push_back(static_cast<double>(add_chain_ticks()));
  c.ticks = *std::min_element(c.run_ticks.begin(), c.run_ticks.end());
  c.ghz = static_cast<double>(c.adds) / c.ticks * tsc_ghz;
  return c;
}

}  // namespace memvirt
