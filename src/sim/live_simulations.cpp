#include "sim/live_simulations.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "sim/engine.hpp"
#include "sim/error_text.hpp"
#include "sim/footprint.hpp"
#include "workload/trace/trace_workload.hpp"

namespace memvirt {
namespace {

size_t reader_count(const std::vector<SimConfig>& configs) {
  uint64_t n = 0;
  for (const SimConfig& c : configs) n += workload_opens(c);
  return static_cast<size_t>(n);
}

}  // namespace

LiveSimulations::LiveSimulations(std::vector<SimConfig> configs, const WorkloadSpec& spec)
    : configs_(std::move(configs)),
      fan_(reader_count(configs_)),
      results_(configs_.size()),
      failures_(configs_.size()) {
  readers_.resize(reader_count(configs_));
  for (size_t i = 0; i < readers_.size(); ++i) readers_[i] = fan_.take_reader(i);
  size_t first = 0;
  for (size_t i = 0; i < configs_.size(); ++i) {
    const size_t vms = static_cast<size_t>(workload_opens(configs_[i]));
    threads_.emplace_back([this, i, first, vms, spec] {
      const auto instance = [&](int vm, const WorkloadContext& ctx) -> std::unique_ptr<Workload> {
        return std::make_unique<TraceWorkload>(std::move(readers_[first + vm]), ctx);
      };
      try {
        results_[i] = simulate(configs_[i], spec, instance);
      } catch (...) {
        failures_[i] = std::current_exception();
      }
      // A simulation that failed before it took all its readers must not hold the tracer up.
      for (size_t vm = 0; vm < vms; ++vm) readers_[first + vm].reset();
    });
    first += vms;
  }
}

LiveSimulations::~LiveSimulations() {
  fan_.finish();
  join();
}

void LiveSimulations::join() {
  for (std::thread& t : threads_)
    if (t.joinable()) t.join();
}

std::vector<RunResult> LiveSimulations::finish() {
  fan_.finish();
  join();
  for (size_t i = 0; i < configs_.size(); ++i) {
    if (!failures_[i]) continue;
    const std::string_view mode = paging_mode_name(configs_[i].mode);
    try {
      std::rethrow_exception(failures_[i]);
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{} mode: {}", mode, error_text(e)));
    }
  }
  return results_;
}

uint64_t LiveSimulations::simulated() const {
  uint64_t slowest = UINT64_MAX;
  for (size_t i = 0; i < readers_.size(); ++i) slowest = std::min(slowest, fan_.taken(i));
  return slowest == UINT64_MAX ? 0 : slowest;
}

}  // namespace memvirt
