#pragma once
// Measurements of the held-out grid kept from an earlier `calibrate --validate --json`: what a
// changed preset (or a changed model) is checked against again without measuring again. The
// rows must be points of the held-out grid, so that a saved file can only ask for the walks the
// grid has (and their memory), and the TSC rate and each point's core clock come with them.
#include <string>
#include <string_view>
#include <vector>

#include "calibrate/calibration_plan.hpp"

namespace memvirt {

struct SavedMeasurement {
  WalkPoint point;
  double measured_ticks = 0;
  double core_ghz = 0;  // the clock measured around the point
};

struct SavedValidation {
  std::string date;     // when it was measured
  double tsc_ghz = 0;   // the TSC rate then
  std::vector<SavedMeasurement> rows;
};

// Throws std::runtime_error naming `origin`, the row and the field that is wrong.
SavedValidation parse_saved_validation(std::string_view text, const std::string& origin);
SavedValidation read_saved_validation(const std::string& path);

}  // namespace memvirt
