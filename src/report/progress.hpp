#pragma once
// Progress of a long run of configurations, on stderr: a bar that redraws itself on a terminal,
// one plain line per finished configuration otherwise (logs and batch systems keep every line).
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>

namespace memvirt {

class Progress {
 public:
  virtual ~Progress() = default;
  // One more configuration finished; `label` says which.
  virtual void finished(const std::string& label) = 0;
  // All done (or given up): the bar ends its line.
  virtual void close() {}
};

// `total` configurations of which `already` were done before this run (a resumed sweep); only
// the rest count towards the time estimate. A bar when `out` is a terminal, lines otherwise.
std::unique_ptr<Progress> make_progress(size_t total, size_t already, FILE* out);

// "[=====>    ] 12/40 configs  00:31 elapsed  ~01:10 left"; `remaining` < 0 when not known yet.
std::string progress_bar_text(size_t done, size_t total, double elapsed_s, double remaining_s,
                              int width);
// 75 s -> "01:15"; 3725 s -> "1:02:05".
std::string format_duration(double seconds);

}  // namespace memvirt
