#include "report/live_progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>

#include "report/progress.hpp"

namespace memvirt {
namespace {

using Clock = std::chrono::steady_clock;

// 12400000 -> "12.4M"; below a million, the number itself.
std::string short_count(double n) {
  if (n >= 1e9) return fmt::format("{:.2f}G", n / 1e9);
  if (n >= 1e6) return fmt::format("{:.1f}M", n / 1e6);
  return fmt::format("{:.0f}", n);
}

}  // namespace

std::string live_progress_text(const LiveCounts& counts, double elapsed_s) {
  const double rate = elapsed_s > 0 ? static_cast<double>(counts.simulated) / elapsed_s : 0;
  return fmt::format("traced {} references, simulated {} in every mode ({}/s), {} elapsed",
                     short_count(static_cast<double>(counts.traced)),
                     short_count(static_cast<double>(counts.simulated)), short_count(rate),
                     format_duration(elapsed_s));
}

LiveProgress::LiveProgress(std::function<LiveCounts()> counts, FILE* out)
    : counts_(std::move(counts)), out_(out) {
  if (::isatty(::fileno(out_)) == 1) thread_ = std::thread([this] { draw_until_stopped(); });
}

LiveProgress::~LiveProgress() {
  if (!thread_.joinable()) return;
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  thread_.join();
  fmt::print(out_, "\r\x1b[K");
  std::fflush(out_);
}

void LiveProgress::draw_until_stopped() {
  const Clock::time_point start = Clock::now();
  std::unique_lock lock(mutex_);
  while (!stop_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stopping_; })) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    // \r and clear-to-end-of-line: the new text may be shorter than the old.
    fmt::print(out_, "\r{}\x1b[K", live_progress_text(counts_(), elapsed));
    std::fflush(out_);
  }
}

}  // namespace memvirt
