#pragma once
// What `memvirt compare` prints: a header naming the unit, the machine and the model, the table,
// and the same as JSON.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/compare_cpu.hpp"
#include "cli/compare_rows.hpp"
#include "kvm/host_cpu.hpp"
#include "sim/host_prediction.hpp"

namespace memvirt {

// Everything the rows were measured and predicted under.
struct CompareSetting {
  std::string workload;
  std::string backend;  // kvm_backend_name()
  unsigned repeats = 0;
  HostCpu host;
  MachineFacts machine;
  CompareCpu cpu;
  double tsc_ghz = 0;
  double core_ghz = 0;  // measured around the measurements (span_core_ghz)
  FramePlacement prediction_frames = FramePlacement::kScattered;
  bool frames_given = false;  // --frames chose prediction_frames
};

std::string compare_header(const CompareSetting& setting);
std::string compare_table(const std::vector<CompareRow>& rows);
nlohmann::json compare_json(const CompareSetting& setting, const std::vector<CompareRow>& rows);

}  // namespace memvirt
