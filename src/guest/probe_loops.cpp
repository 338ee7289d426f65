// Freestanding: no libc, no exceptions; included headers must be header-only.
#include "guest/probe_loops.hpp"

#include "workload/rng.hpp"

namespace memvirt::probe {

uint64_t read_tsc() {
  uint32_t lo = 0, hi = 0;
  asm volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi)::"memory");
  return (uint64_t{hi} << 32) | lo;
}

LoopResult list_walk(uint64_t start, uint64_t steps) {
  const uint64_t* p = reinterpret_cast<const uint64_t*>(start);
  const uint64_t t0 = read_tsc();
  for (uint64_t i = 0; i < steps; ++i) p = reinterpret_cast<const uint64_t*>(*p);
  const uint64_t t1 = read_tsc();
  return {t1 - t0, reinterpret_cast<uint64_t>(p)};
}

LoopResult random_access(uint64_t base, uint64_t words, uint64_t steps, uint64_t seed,
                         double write) {
  uint64_t* const memory = reinterpret_cast<uint64_t*>(base);
  Rng rng(seed);
  uint64_t sum = 0;
  const uint64_t t0 = read_tsc();
  for (uint64_t i = 0; i < steps; ++i) {
    const uint64_t word = rng.next_below(words);
    if (rng.next_unit() < write) {
      memory[word] = word;
    } else {
      sum += memory[word];
    }
  }
  const uint64_t t1 = read_tsc();
  return {t1 - t0, sum};
}

uint64_t touch(uint64_t base, uint64_t bytes, uint64_t stride) {
  uint64_t sum = 0;
  for (uint64_t offset = 0; offset < bytes; offset += stride) {
    sum += *reinterpret_cast<const volatile uint64_t*>(base + offset);
  }
  return sum;
}

void port_out(uint16_t port, uint32_t value) {
  asm volatile("outl %0, %1" ::"a"(value), "Nd"(port) : "memory");
}

LoopResult port_writes(uint16_t port, uint64_t count) {
  const uint64_t t0 = read_tsc();
  for (uint64_t i = 0; i < count; ++i) port_out(port, static_cast<uint32_t>(i));
  const uint64_t t1 = read_tsc();
  return {t1 - t0, count};
}

LoopResult mmio_writes(uint64_t address, uint64_t count) {
  volatile uint32_t* const target = reinterpret_cast<volatile uint32_t*>(address);
  const uint64_t t0 = read_tsc();
  for (uint64_t i = 0; i < count; ++i) *target = static_cast<uint32_t>(i);
  const uint64_t t1 = read_tsc();
  return {t1 - t0, count};
}

}  // namespace memvirt::probe
