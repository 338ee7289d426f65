#include "kvm/host_cpu.hpp"

#include <cpuid.h>
#include <fmt/format.h>
#include <time.h>

#include <cstring>

#include "guest/probe_loops.hpp"

namespace memvirt {
namespace {

std::string trimmed(std::string s) {
  s.erase(s.find_last_not_of(std::string(" \0", 2)) + 1);
  s.erase(0, s.find_first_not_of(' '));
  return s;
}

std::string brand_string() {
  if (cpuid(0x80000000).eax < 0x80000004) return {};
  char text[49] = {};
  for (uint32_t i = 0; i < 3; ++i) {
    const CpuidRegs r = cpuid(0x80000002 + i);
    std::memcpy(text + 16 * i, &r, 16);
  }
  return trimmed(text);
}

uint64_t monotonic_raw_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

CpuidRegs cpuid(uint32_t leaf, uint32_t subleaf) {
  CpuidRegs r;
  __cpuid_count(leaf, subleaf, r.eax, r.ebx, r.ecx, r.edx);
  return r;
}

std::string HostCpu::describe() const {
  return fmt::format("{} family {} model {}{}", vendor, family, model,
                     brand.empty() ? "" : fmt::format(" ({})", brand));
}

HostCpu read_host_cpu() {
  HostCpu cpu;
  const CpuidRegs id = cpuid(0);
  char vendor[13] = {};
  std::memcpy(vendor, &id.ebx, 4);
  std::memcpy(vendor + 4, &id.edx, 4);
  std::memcpy(vendor + 8, &id.ecx, 4);
  cpu.vendor = vendor;
  const CpuidRegs f = cpuid(1);
  const uint32_t base_family = (f.eax >> 8) & 0xf;
  const uint32_t base_model = (f.eax >> 4) & 0xf;
  cpu.family = base_family == 0xf ? base_family + ((f.eax >> 20) & 0xff) : base_family;
  cpu.model = base_family == 0xf || base_family == 0x6 ? base_model | (((f.eax >> 16) & 0xf) << 4)
                                                       : base_model;
  cpu.stepping = f.eax & 0xf;
  cpu.hypervisor = (f.ecx >> 31) & 1;
  cpu.brand = brand_string();
  return cpu;
}

double measure_tsc_ghz(std::chrono::milliseconds window) {
  const uint64_t ns0 = monotonic_raw_ns();
  const uint64_t t0 = probe::read_tsc();
  const uint64_t target = ns0 + static_cast<uint64_t>(window.count()) * 1'000'000u;
  uint64_t ns1 = ns0;
  while ((ns1 = monotonic_raw_ns()) < target) {
  }
  const uint64_t t1 = probe::read_tsc();
  return static_cast<double>(t1 - t0) / static_cast<double>(ns1 - ns0);
}

}  // namespace memvirt
