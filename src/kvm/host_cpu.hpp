#pragma once
// The processor this process runs on, as CPUID tells it, and the TSC's rate: what a measurement
// needs to say where it was taken and to turn ticks into time.
#include <chrono>
#include <cstdint>
#include <string>

namespace memvirt {

struct CpuidRegs {
  uint32_t eax = 0, ebx = 0, ecx = 0, edx = 0;
};

// One CPUID leaf (and subleaf) of the CPU this runs on.
CpuidRegs cpuid(uint32_t leaf, uint32_t subleaf = 0);

struct HostCpu {
  std::string vendor;   // "GenuineIntel", "AuthenticAMD", ...
  uint32_t family = 0;  // display family (base + extended)
  uint32_t model = 0;   // display model (extended model folded in)
  uint32_t stepping = 0;
  std::string brand;        // the brand string, trimmed
  bool hypervisor = false;  // CPUID.1:ECX[31]: this machine is a guest

  bool amd() const { return vendor == "AuthenticAMD" || vendor == "HygonGenuine"; }
  bool intel() const { return vendor == "GenuineIntel"; }
  // "GenuineIntel family 6 model 207 (Intel(R) Xeon(R) Processor)"
  std::string describe() const;
};

HostCpu read_host_cpu();

// TSC ticks per nanosecond, timed against CLOCK_MONOTONIC_RAW over `window`.
double measure_tsc_ghz(std::chrono::milliseconds window = std::chrono::milliseconds(100));

}  // namespace memvirt
