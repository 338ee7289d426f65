#pragma once
// Which embedded preset comes closest to the processor CPUID names, for machines that have not
// been calibrated: a guess by core generation, never a substitute for `memvirt calibrate`.
#include <string>

#include "kvm/host_cpu.hpp"

namespace memvirt {

struct PresetChoice {
  std::string preset;  // an embedded preset's name
  std::string reason;  // e.g. "GenuineIntel family 6 model 207 is Ice Lake or newer"
};

PresetChoice preset_for_cpu(const HostCpu& cpu);

}  // namespace memvirt
