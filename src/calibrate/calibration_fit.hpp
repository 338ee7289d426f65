#pragma once
// From what was found and measured to a preset: structure from CPUID, latencies and capacities
// read off the measured curves, the fields that also pay for translation fitted with the
// simulator, the rest from the nearest hand-made preset; every field with its source.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "calibrate/base_preset.hpp"
#include "calibrate/calibration_plan.hpp"
#include "calibrate/machine_structure.hpp"
#include "calibrate/measured.hpp"

namespace memvirt {

struct FitInputs {
  MachineStructure structure;
  BasePreset base;
  Measurements measured;
  std::string date;    // ISO 8601, passed in so that the fit is deterministic
  bool quick = false;  // a field whose coarse curve does not fit keeps the base value, said so
};

struct FitOutcome {
  nlohmann::ordered_json preset;
  std::vector<std::string> report;  // what was read from each series, one line each
};

// Throws FitError naming the series and level that did not fit (not with `quick`), PresetError
// if the fitted figures make no valid preset.
FitOutcome fit_preset(const FitInputs& in);

}  // namespace memvirt
