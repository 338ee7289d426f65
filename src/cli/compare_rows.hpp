#pragma once
// The rows of `memvirt compare`, all in TSC ticks per step: each measurement with its steady-state
// prediction of the machine as it is, then the bare-metal what-ifs under each paging mode.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/sim_options.hpp"
#include "kvm/measure.hpp"
#include "sim/host_prediction.hpp"
#include "timing/cpu_model.hpp"
#include "workload/spec.hpp"

namespace memvirt {

struct CompareRow {
  std::string where;  // native, kvm, sim-native, sim-shadow, sim-nested
  bool measured = true;
  std::optional<double> ticks;   // TSC ticks per step; empty: not measured (see note)
  std::optional<double> cycles;  // measured: the ticks again; simulated: the model's core cycles
  std::string note;              // what the row ran on, why it is empty, or the what-if's machine
  std::optional<double> ratio;   // to the native row of the same kind
  // Measured rows only: the prediction and what it simulated (or why there is none).
  std::optional<double> predicted_ticks;
  std::optional<double> predicted_cycles;
  std::string predicted_as;
  std::optional<double> predicted_ratio;  // predicted row over the predicted native row

  std::optional<double> error() const;  // predicted / measured - 1
};

// What every simulated row shares: the model, the clock that turns its cycles into ticks, and the
// flags that shape the rest of the machine.
struct SimContext {
  const SimOptions* options = nullptr;
  std::shared_ptr<const CpuModel> cpu;
  double tsc_ghz = 0;
  double core_ghz = 0;  // turns model cycles into ticks: the clock measured around the measurements
  FramePlacement prediction_frames = FramePlacement::kScattered;  // for the measured rows
  WorkloadSpec spec;
};

// A measured row and what it measured; `measurement` is empty when the row is n/a.
struct MeasuredRow {
  CompareRow row;
  std::optional<Measurement> measurement;
};

MeasuredRow measure_native_row(const MeasureConfig& config);
// No /dev/kvm, or a backend that cannot run the request, leaves the row empty with the reason.
MeasuredRow measure_kvm_row(const MeasureConfig& config, const std::string& backend_name);

// Fills the row's prediction by simulating `shape`; no shape: `why_not` says why.
void predict(CompareRow& row, const std::optional<PredictionShape>& shape,
             const std::string& why_not, const SimContext& context);

// Today's bare-metal machine under `mode`, as --page / --nested-page / --frames shape it.
CompareRow what_if_row(PagingMode mode, const SimContext& context);

// Each kind against its own native row, measured and predicted alike.
void fill_ratios(std::vector<CompareRow>& rows);

}  // namespace memvirt
