#pragma once
// The preset's `calibration` object: how and when it was measured, what CPUID said, which points
// the fit used, and every measured series, so that a reader can see (and redraw) the data.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "calibrate/calibration_fit.hpp"
#include "calibrate/tlb_fit.hpp"

namespace memvirt {

struct RecordExtras {
  std::vector<std::string> fitted_points;
  std::vector<std::string> notes;  // what could not be fitted, huge pages that were missing
  std::optional<OuterPageTest> outer;
};

nlohmann::ordered_json calibration_record(const FitInputs& in, const RecordExtras& extras);

// What a fit that failed leaves behind, so that the minutes of measuring are not lost: why it
// failed and the calibration record of what was measured (every series, point by point).
nlohmann::ordered_json failed_fit_record(const FitInputs& in, const std::string& error);

// One series: its walks' kind and, per point, working set, steps, median ticks, cycles, the
// fastest and slowest run, and (2 MiB pages) the MiB of data on huge pages.
nlohmann::ordered_json series_record(const MeasuredSeries& s, double cycles_per_tick);

}  // namespace memvirt
