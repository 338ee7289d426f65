#pragma once
// Checking a preset on the held-out grid: each point measured (measure_native) and predicted
// (simulate() with the preset), the error per point, and a summary: the median absolute error,
// the worst ratio either way, and the worst point.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "calibrate/calibration_plan.hpp"
#include "calibrate/saved_validation.hpp"
#include "report/plot_script.hpp"
#include "report/progress.hpp"
#include "timing/cpu_model.hpp"

namespace memvirt {

struct ValidationRow {
  WalkPoint point;
  double measured_ticks = 0;
  double predicted_ticks = 0;
  double core_ghz = 0;  // the clock measured around the point, which turned cycles into ticks
  double error() const { return (predicted_ticks - measured_ticks) / measured_ticks; }
  // max(predicted / measured, measured / predicted): 1 is exact.
  double ratio() const;
};

struct ValidationSummary {
  size_t points = 0;
  double median_abs_error = 0;
  double worst_ratio = 1;
  std::string worst_point;
  size_t within_15pct = 0;
};

ValidationSummary summarize(const std::vector<ValidationRow>& rows);

// Measures and predicts every point (tsc_ghz: the TSC now, for the ticks of the prediction).
std::vector<ValidationRow> run_validation(std::shared_ptr<const CpuModel> cpu,
                                          const std::vector<WalkPoint>& grid, unsigned repeats,
                                          double tsc_ghz, Progress& progress);

// Predicts the points of an earlier measurement again, each at the core clock it was measured
// at and the TSC rate of then: nothing is measured.
std::vector<ValidationRow> repredict_validation(std::shared_ptr<const CpuModel> cpu,
                                                const SavedValidation& saved, Progress& progress);

std::string validation_table(const std::vector<ValidationRow>& rows, const ValidationSummary& s);
nlohmann::ordered_json validation_json(const std::vector<ValidationRow>& rows,
                                       const ValidationSummary& s,
                                       const nlohmann::ordered_json& meta);

// Measured and predicted ticks against the working set (log2 axis), one panel per page size
// and order, a measured and a predicted line per npad. The data goes in as numbers only.
// `terminal` as for curve_script; no output is set (render_picture takes gnuplot's stdout).
std::string validation_plot_script(const std::vector<ValidationRow>& rows,
                                   const std::string& terminal);
// Draws the picture at `path` (.svg or .png) with gnuplot (render_picture).
void draw_validation_plot(const std::vector<ValidationRow>& rows, const std::string& path);

}  // namespace memvirt
