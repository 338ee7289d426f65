#include "cli/sim_options.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "cli/usage_error.hpp"
#include "cli/validators.hpp"
#include "sim/footprint.hpp"
#include "sim/warmup.hpp"
#include "vmm/paging_modes.hpp"

namespace memvirt {

void SimOptions::add_to(CLI::App& app) {
  app.add_option("--page", page_, "Guest page size of the workload's mappings, e.g. 2m")
      ->type_name("4k|2m|1g")
      ->check(page_size_validator())
      ->capture_default_str();
  app.add_option("--nested-page", nested_page_,
                 "Host page size behind guest memory (EPT leaves, shadow), e.g. 1g")
      ->type_name("4k|2m|1g")
      ->check(page_size_validator())
      ->capture_default_str();
  app.add_option("--levels", levels_, "Guest paging levels (5 = LA57), e.g. 5")
      ->type_name("4|5")
      ->check(paging_levels_validator())
      ->capture_default_str();
  nested_levels_option_ = app.add_option("--nested-levels", nested_levels_,
                                         "EPT/NPT levels, e.g. 5 (default: same as --levels)")
                              ->type_name("4|5")
                              ->check(paging_levels_validator());
  app.add_option("--seed", seed_, "Seed of the workload's random choices, e.g. 42")
      ->type_name("N")
      ->check(seed_validator())
      ->capture_default_str();
  app.add_option("--frames", frames_,
                 "Where 4 KiB frames land for the caches: in order (a fresh machine) or on "
                 "random page colours, as a kernel that has run a while leaves them")
      ->type_name("in-order|scattered")
      ->check(frames_validator())
      ->capture_default_str();
  model_option_ = app.add_option(
      "--model", model_,
      "Who the VMM is: Xen (with Dom0) or KVM (the host kernel); pv mode runs under Xen")
      ->type_name("xen|kvm")
      ->check(vmm_model_validator())
      ->capture_default_str();
  app.add_option("--tlb-tag", tlb_tag_, "How TLB entries are tagged, e.g. vpid+pcid")
      ->type_name("none|asid1|asid|vpid|vpid+pcid")
      ->check(tlb_tag_validator())
      ->capture_default_str();
  app.add_option("--pv-batch", pv_batch_, "Page-table updates per mmu_update hypercall (pv mode)")
      ->type_name("N")
      ->check(count_validator(1, 1u << 20))
      ->capture_default_str();
  app.add_flag("--shadow-unsync", shadow_unsync_,
               "Let leaf shadow pages go out of sync until the guest flushes (KVM's unsync)");
  app.add_option("--agile-writes", agile_writes_,
                 "Agile mode: writes to a guest table within an interval that send it nested")
      ->type_name("N")
      ->check(count_validator(0, 1u << 20))
      ->capture_default_str();
  app.add_option("--agile-interval", agile_interval_,
                 "Agile mode: the interval, in accesses; a nested table with no writes in one is "
                 "shadowed again")
      ->type_name("N")
      ->check(count_validator(1, 1u << 30))
      ->capture_default_str();
  app.add_option("--vms", vms_, "VMs time-sharing the CPUs, each running the workload")
      ->type_name("N")
      ->check(count_validator(1, 64))
      ->capture_default_str();
  app.add_option("--cpu", cpu_,
                 "CPU model that turns counts into cycles: a preset or a preset JSON file; "
                 "'none' counts only (faster)")
      ->type_name("zen3|zen4|zen4-guest|skylake|icelake|FILE|none")
      ->check(CLI::Validator(
          [](std::string& v) -> std::string {
            if (v == "none") return {};
            try {
              load_cpu_model(v);
            } catch (const PresetError& e) {
              return e.what();
            }
            return {};
          },
          "CPU", "cpu_validator"))
      ->capture_default_str();
  app.add_option("--warmup", warmup_,
                 "Accesses each VM simulates before counting starts; auto: a listwalk or random "
                 "run is the loop `measure` times (pages touched, one warm-up lap, the lap that "
                 "counts), other workloads count from their first event; 0: count from first "
                 "touch")
      ->type_name("auto|N")
      ->check(warmup_validator())
      ->capture_default_str();
  app.add_option("--vcpus", vcpus_, "vCPUs per VM (one TLB each); the workload runs on all")
      ->type_name("N")
      ->check(count_validator(1, 64))
      ->capture_default_str();
  frames_option_ = app.get_option("--frames");
  cpu_option_ = app.get_option("--cpu");
}

SimConfig SimOptions::config_for(PagingMode mode) const {
  // The validators have accepted every value by the time this runs.
  SimConfig c;
  c.mode = mode;
  c.page = *parse_page_size(page_);
  c.nested_page = *parse_page_size(nested_page_);
  c.levels = levels_;
  c.nested_levels = nested_levels_option_->count() > 0 ? nested_levels_ : levels_;
  c.seed = seed_;
  c.frames = *parse_frame_placement(frames_);
  c.model = *parse_vmm_model(model_);
  // A mode that belongs to one VMM (pv is Xen's) runs under it unless the user asked for a model.
  if (const auto implied = paging_mode_spec(mode).implied_model; implied && model_option_->count() == 0)
    c.model = *implied;
  c.tlb_tag = *parse_tlb_tagging(tlb_tag_);
  c.pv_batch = pv_batch_;
  c.shadow_unsync = shadow_unsync_;
  c.agile_writes = agile_writes_;
  c.agile_interval = agile_interval_;
  c.vms = mode_runs_vms(mode) ? vms_ : 1;  // native runs no VMs
  c.vcpus = vcpus_;
  c.warmup = parse_warmup(warmup_);
  if (cpu_ != "none") {
    if (!cpu_model_) cpu_model_ = std::make_shared<const CpuModel>(load_cpu_model(cpu_));
    c.cpu = cpu_model_;
    c.tlb = tlb_config_for(cpu_model_->tlb);
  }
  return c;
}

std::vector<SimConfig> checked_mode_configs(const SimOptions& options, const std::string& modes,
                                            const WorkloadSpec& spec) {
  std::vector<SimConfig> configs;
  for (PagingMode mode : parse_mode_list(modes)) {
    configs.push_back(options.config_for(mode));
    try {
      check_sim_config(configs.back());
      check_footprint(configs.back(), spec);
    } catch (const std::invalid_argument& e) {
      const std::string_view name = paging_mode_name(mode);
      const std::string what = e.what();
      throw UsageError(what.rfind(name, 0) == 0 ? what : fmt::format("{} mode: {}", name, what));
    }
  }
  return configs;
}

}  // namespace memvirt
