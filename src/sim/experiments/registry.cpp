#include <algorithm>

#include "sim/experiments/experiment.hpp"
#include "sim/experiments/miss_amplification.hpp"
#include "sim/experiments/pt_update_cost.hpp"
#include "sim/experiments/tlb_tags.hpp"
#include "sim/experiments/vmm_memory.hpp"

namespace memvirt {

const std::vector<Experiment>& experiments() {
  static const std::vector<Experiment> all = {
      {"pt-update-cost",
       "VMM calls and work per guest PTE write: native, shadow(+unsync), PV, nested",
       run_pt_update_cost},
      {"vmm-memory",
       "VMM page-table memory, shadow trees vs nested tables, for 1..256 processes",
       run_vmm_memory},
      {"tlb-tags",
       "TLB misses and flushes per tag scheme (none..vpid+pcid), ctxswitch and VMs",
       run_tlb_tags},
      {"miss-amplification",
       "list-walk references per access and per TLB miss, 4 KiB..1 GiB, per mode",
       run_miss_amplification},
  };
  return all;
}

const Experiment* find_experiment(std::string_view name) {
  const auto& all = experiments();
  const auto it = std::find_if(all.begin(), all.end(),
                               [&](const Experiment& e) { return e.name == name; });
  return it == all.end() ? nullptr : &*it;
}

}  // namespace memvirt
