#pragma once
// `memvirt calibrate`: a CPU preset for the machine it runs on (structure from CPUID, latencies
// and capacities from its own list walks), and `--validate`: a preset checked on held-out walks.
#include <CLI/CLI.hpp>
#include <string>

namespace memvirt {

class CalibrateCommand {
 public:
  explicit CalibrateCommand(CLI::App& parent);

  bool selected() const { return app_->parsed(); }
  // Measures, fits and writes the preset, or validates one; throws on a runtime error (a busy
  // machine without --force included), never leaving a half-written preset.
  void run() const;

 private:
  // Flags that belong to one form only; throws CLI::ValidationError naming the flag.
  void validate() const;
  void run_calibrate() const;
  void run_validate() const;

  CLI::App* app_ = nullptr;
  std::string output_;
  bool validate_ = false;
  std::string cpu_;
  bool force_ = false;
  bool quick_ = false;
  int pin_ = -1;
  std::string plot_;
  std::string json_;
  std::string measured_;
};

}  // namespace memvirt
