#pragma once
// `memvirt plot results.json -o fig.svg|fig.png`: a sweep's results as a picture, drawn by
// gnuplot: Drepper's curves (--kind curve) or a stacked cost breakdown per mode (--kind breakdown).
#include <CLI/CLI.hpp>
#include <string>

namespace memvirt {

class PlotCommand {
 public:
  explicit PlotCommand(CLI::App& parent);

  bool selected() const { return app_->parsed(); }
  // Draws the picture; throws on runtime errors (gnuplot missing or failing among them).
  void run() const;

 private:
  std::string script(const std::string& terminal) const;

  CLI::App* app_ = nullptr;
  std::string input_;
  std::string output_;
  std::string kind_ = "curve";
  std::string working_set_;
  std::string script_path_;
};

}  // namespace memvirt
