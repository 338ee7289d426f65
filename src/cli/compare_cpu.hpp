#pragma once
// The CPU model `memvirt compare` predicts with: the user's --cpu; else the preset `memvirt
// calibrate` made for this machine; else the embedded preset closest to what CPUID names, with a
// warning that the machine is not calibrated.
#include <memory>
#include <string>

#include "cli/sim_options.hpp"
#include "kvm/host_cpu.hpp"
#include "timing/cpu_model.hpp"

namespace memvirt {

struct CompareCpu {
  std::shared_ptr<const CpuModel> model;
  std::string chosen_by;    // "--cpu", "calibrated preset", "CPUID: <why this preset>"
  bool calibrated = false;  // the preset carries calibration's facts about its machine
  std::string warning;      // for stderr; empty when there is nothing to warn of
};

// Throws PresetError when a calibrated preset exists but cannot be read, and for a preset whose
// core clock is 0 (it could not turn cycles into ticks).
CompareCpu choose_compare_cpu(const SimOptions& options, const HostCpu& host);

}  // namespace memvirt
