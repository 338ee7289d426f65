#pragma once
// Runs a sweep's missing configurations on a few threads. simulate() is a pure function of its
// inputs, so the threads share nothing but the queue of indices and the results.
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "sim/sweep_results.hpp"

namespace memvirt {

// Computes the row of one configuration; called concurrently for different configurations.
using SweepRowFunction = std::function<nlohmann::json(const SweepPoint&)>;
// Told of each finished configuration after its row is in `results`, one call at a time, in
// completion order; the place to draw progress and to save a checkpoint.
using SweepFinishedFunction = std::function<void(const SweepPoint&)>;

// Runs `todo` (configuration indices) on `threads` threads. After the first failure no further
// configuration starts; the running ones finish and are kept, then the failure is rethrown,
// naming the configuration.
void run_sweep(SweepResults& results, const std::vector<size_t>& todo, int threads,
               const SweepRowFunction& row, const SweepFinishedFunction& finished);

}  // namespace memvirt
