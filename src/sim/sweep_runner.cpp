#include "sim/sweep_runner.hpp"
#include "sim/error_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace memvirt {
namespace {

class SweepQueue {
 public:
  SweepQueue(SweepResults& results, const std::vector<size_t>& todo, const SweepRowFunction& row,
             const SweepFinishedFunction& finished)
      : results_(results), todo_(todo), row_(row), finished_(finished) {}

  // One worker thread: takes the next index until none is left or something failed.
  void work() {
    for (size_t next; !failed_ && (next = next_++) < todo_.size();) {
      const SweepPoint& point = results_.points().at(todo_[next]);
      try {
        nlohmann::json row = row_(point);
        const std::lock_guard lock(mutex_);
        results_.set(point.index, std::move(row));
        finished_(point);
      } catch (const std::exception& e) {
        fail(fmt::format("configuration {} ({}): {}", point.index, point_label(point), error_text(e)));
      }
    }
  }

  void rethrow_failure() const {
    if (failed_) throw std::runtime_error(failure_);
  }

 private:
  void fail(std::string message) {
    const std::lock_guard lock(mutex_);
    if (failed_) return;
    failure_ = std::move(message);
    failed_ = true;
  }

  SweepResults& results_;
  const std::vector<size_t>& todo_;
  const SweepRowFunction& row_;
  const SweepFinishedFunction& finished_;
  std::atomic<size_t> next_{0};
  std::atomic<bool> failed_{false};
  std::mutex mutex_;
  std::string failure_;
};

}  // namespace

void run_sweep(SweepResults& results, const std::vector<size_t>& todo, int threads,
               const SweepRowFunction& row, const SweepFinishedFunction& finished) {
  SweepQueue queue(results, todo, row, finished);
  const size_t count = std::min<size_t>(std::max(threads, 1), todo.size());
  if (count <= 1) {
    queue.work();  // no thread at all for -j 1: the simplest run to debug
  } else {
    std::vector<std::jthread> workers;
    for (size_t i = 0; i < count; ++i) workers.emplace_back([&queue] { queue.work(); });
  }  // the jthreads join here
  queue.rethrow_failure();
}

}  // namespace memvirt
