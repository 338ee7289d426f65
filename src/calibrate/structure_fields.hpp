#pragma once
// The fields CPUID gives, into the preset: the L1D's and L2's size and ways and the TLBs' entries
// and ways, each with the leaf it came from; what CPUID does not describe keeps the base
// preset's value, saying why. And the sizes the measurement plan is drawn from.
#include <string>
#include <vector>

#include "calibrate/calibration_plan.hpp"
#include "calibrate/machine_structure.hpp"
#include "calibrate/preset_draft.hpp"

namespace memvirt {

void structure_fields(PresetDraft& draft, const MachineStructure& m);

// One line per cache, TLB and note of the structure, for the report.
std::vector<std::string> structure_report(const MachineStructure& m);

// CPUID's sizes, the base preset's where CPUID says nothing.
PlanSizes plan_sizes(const MachineStructure& m, const std::string& base);

}  // namespace memvirt
