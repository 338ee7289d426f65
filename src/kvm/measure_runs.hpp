#pragma once
// What the guest and native measurements share: turning a workload into a probe request over
// memory the caller provides, and timing repeated runs of it.
#include <cstdint>
#include <functional>
#include <span>

#include "guest/probe_abi.hpp"
#include "kvm/measure.hpp"

namespace memvirt {

struct PreparedWorkload {
  probe::Mailbox request;  // the measured probe
  uint64_t expected_checksum = 0;
  uint64_t steps = 0;      // accesses per run
  uint64_t bytes = 0;      // the working set
};

// Writes the workload's image into `memory` (seen by the probe at `base`) and builds the request.
PreparedWorkload prepare_workload(std::span<uint8_t> memory, uint64_t base,
                                  const MeasureConfig& config);

// A probe request reading one word per 4 KiB of [base, base + bytes).
probe::Mailbox touch_request(uint64_t base, uint64_t bytes);

// One warm-up run, then config.repeats timed ones; `run` executes a request and returns the
// mailbox as the probe left it.
Measurement time_runs(const PreparedWorkload& work, unsigned repeats,
                      const std::function<probe::Mailbox(const probe::Mailbox&)>& run);

}  // namespace memvirt
