#include "report/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace memvirt {
namespace {

using Clock = std::chrono::steady_clock;

// Counts and times; the two ways of showing them differ only in how they print.
class ProgressClock {
 public:
  ProgressClock(size_t total, size_t already) : total_(total), done_(already), already_(already) {}

  void tick() { ++done_; }
  size_t done() const { return done_; }
  size_t total() const { return total_; }
  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  // From this run's pace: configurations resumed from a file took no time here.
  double remaining() const {
    const size_t ran = done_ - already_;
    if (ran == 0) return -1;
    return elapsed() / static_cast<double>(ran) * static_cast<double>(total_ - done_);
  }

 private:
  Clock::time_point start_ = Clock::now();
  size_t total_;
  size_t done_;
  size_t already_;
};

class ProgressBar final : public Progress {
 public:
  ProgressBar(size_t total, size_t already, FILE* out) : clock_(total, already), out_(out) {
    draw();
  }
  void finished(const std::string&) override {
    clock_.tick();
    draw();
  }
  void close() override { fmt::print(out_, "\n"); }

 private:
  void draw() {
    // \r and clear-to-end-of-line: the new text may be shorter than the old.
    fmt::print(
        out_, "\r{}\x1b[K",
        progress_bar_text(clock_.done(), clock_.total(), clock_.elapsed(), clock_.remaining(), 30));
    std::fflush(out_);
  }
  ProgressClock clock_;
  FILE* out_;
};

class ProgressLines final : public Progress {
 public:
  ProgressLines(size_t total, size_t already, FILE* out) : clock_(total, already), out_(out) {
    if (already > 0)
      fmt::print(out_, "{} of {} configs already in the results file\n", already, total);
  }
  void finished(const std::string& label) override {
    clock_.tick();
    fmt::print(out_, "[{}/{}] {}  {} elapsed\n", clock_.done(), clock_.total(), label,
               format_duration(clock_.elapsed()));
    std::fflush(out_);
  }

 private:
  ProgressClock clock_;
  FILE* out_;
};

}  // namespace

std::unique_ptr<Progress> make_progress(size_t total, size_t already, FILE* out) {
  if (isatty(fileno(out))) return std::make_unique<ProgressBar>(total, already, out);
  return std::make_unique<ProgressLines>(total, already, out);
}

std::string progress_bar_text(size_t done, size_t total, double elapsed_s, double remaining_s,
                              int width) {
  const double fraction = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  const int filled = static_cast<int>(fraction * width);
  std::string bar(static_cast<size_t>(width), ' ');
  std::fill_n(bar.begin(), filled, '=');
  if (filled < width) bar[static_cast<size_t>(filled)] = '>';
  const std::string left = remaining_s < 0 ? "--:--" : format_duration(remaining_s);
  return fmt::format("[{}] {}/{} configs  {} elapsed  ~{} left", bar, done, total,
                     format_duration(elapsed_s), left);
}

std::string format_duration(double seconds) {
  const auto s = static_cast<long long>(std::llround(std::max(seconds, 0.0)));
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{:02}:{:02}", s / 60, s % 60);
}

}  // namespace memvirt
