#pragma once
// `memvirt measure kvm|native|exits`: real measurements, in the probe guest of memvirt's own VMM
// over /dev/kvm and in this host process, labelled with the KVM backend that served them.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace memvirt {

// /dev/kvm is missing or not permitted (distinct from runtime errors, 1, and usage errors, 2).
inline constexpr int kExitNoKvm = 3;

class MeasureCommand {
 public:
  explicit MeasureCommand(CLI::App& parent);

  bool selected() const { return app_->parsed(); }
  // Runs the chosen measurement; throws KvmUnavailable (exit kExitNoKvm) or other runtime errors.
  void run() const;

 private:
  void add_kvm(CLI::App& measure);
  void add_native(CLI::App& measure);
  void add_exits(CLI::App& measure);
  void run_kvm() const;
  void run_native() const;
  void run_exits() const;

  CLI::App* app_ = nullptr;
  CLI::App* kvm_ = nullptr;
  CLI::App* native_ = nullptr;
  CLI::App* exits_ = nullptr;
  std::string workload_;
  std::string guest_page_ = "4k";
  std::string host_page_;  // empty: follows the guest page
  std::string page_ = "4k";
  unsigned repeats_ = 5;
  uint64_t seed_ = 1;
  unsigned timeout_s_ = 120;  // the watchdog's bound on each guest run
  uint64_t count_ = 10000;
  std::string json_path_;
};

}  // namespace memvirt
