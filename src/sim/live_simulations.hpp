#pragma once
// Execution-driven runs: one live trace simulated under several machines at once, each on its
// own thread, each VM of each machine reading its own copy of the stream (TraceFanOut). The
// tracer's thread delivers to sink(); the simulations keep pace with it through bounded queues.
#include <cstdint>
#include <exception>
#include <memory>
#include <thread>
#include <vector>

#include "sim/result.hpp"
#include "sim/sim_config.hpp"
#include "workload/spec.hpp"
#include "workload/trace/trace_fan_out.hpp"

namespace memvirt {

class LiveSimulations {
 public:
  // Starts one simulation of `spec`'s kind of workload (a trace) per config, fed from sink().
  explicit LiveSimulations(std::vector<SimConfig> configs, const WorkloadSpec& spec);
  ~LiveSimulations();  // ends the trace and waits, if finish() did not
  LiveSimulations(const LiveSimulations&) = delete;
  LiveSimulations& operator=(const LiveSimulations&) = delete;

  TraceSink& sink() { return fan_; }
  // Ends the trace where the tracer stopped and waits for every simulation: their results, in
  // the configs' order. Throws the first failure, as "MODE mode: what".
  std::vector<RunResult> finish();

  uint64_t traced() const { return fan_.records(); }
  uint64_t simulated() const;  // by the slowest of the simulations' readers

 private:
  void join();

  std::vector<SimConfig> configs_;
  TraceFanOut fan_;
  std::vector<std::unique_ptr<TraceReader>> readers_;  // each moved into its simulation
  std::vector<RunResult> results_;
  std::vector<std::exception_ptr> failures_;
  std::vector<std::thread> threads_;
};

}  // namespace memvirt
