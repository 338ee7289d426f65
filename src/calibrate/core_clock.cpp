#include "calibrate/core_clock.hpp"

#include <algorithm>
#include <stdexcept>

#include "guest/probe_loops.hpp"

namespace memvirt {
namespace {

constexpr uint64_t kIterations = 1'000'000;
constexpr uint64_t kAddsPerIteration = 16;

// 16 adds on one register per iteration, each waiting for the one before; the loop's own
// decrement and branch run beside them on other ports, so an iteration takes 16 cycles.
uint64_t add_chain_ticks() {
  uint64_t value = 0;
  uint64_t iterations = kIterations;
  const uint64_t t0 = probe::read_tsc();
  asm volatile(
      "1:\n\t"
      "add $1, %[v]\n\tadd $1, %[v]\n\tadd $1, %[v]\n\tadd $1, %[v]\n\t"
      "add $1, %[v]\n\tadd $1, %[v]\n\tadd $1, %[v]\n\tadd $1, %[v]\n\t"
      "add $1, %[v]\n\tadd $1, %[v]\n\tadd $1, %[v]\n\tadd $1, %[v]\n\t"
      "add $1, %[v]\n\tadd $1, %[v]\n\tadd $1, %[v]\n\tadd $1, %[v]\n\t"
      "dec %[n]\n\t"
      "jnz 1b"
      : [v] "+r"(value), [n] "+r"(iterations)
      :
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
  std::vector<double> s = c.run_ticks;
  std::sort(s.begin(), s.end());
  c.ticks = s[s.size() / 2];
  c.ghz = static_cast<double>(c.adds) / c.ticks * tsc_ghz;
  return c;
}

}  // namespace memvirt
