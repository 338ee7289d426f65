#include "cli/sim_printing.hpp"

#include <fmt/format.h>

#include <iostream>
#include <stdexcept>

#include "report/text_table.hpp"
#include "sim/counted_part.hpp"

namespace memvirt {

void print_sim_table(const std::string& workload, const std::vector<RunResult>& runs,
                     bool counters) {
  const SimConfig& c = runs.front().config;
  std::cout << fmt::format(
                   "workload {}  seed {}  levels {}  nested levels {}\nmodel {}  TLB tags {}  "
                   "VMs {}  vCPUs {}  PV batch {}  shadow unsync {}\n{}\n\n",
                   workload, c.seed, c.levels, c.nested_levels, vmm_model_name(c.model),
                   tlb_tagging_name(c.tlb_tag), c.vms, c.vcpus, c.pv_batch,
                   c.shadow_unsync ? "on" : "off", "counted: " + counting_note(runs.front()))
            << sim_table(runs);
  if (counters) std::cout << counters_table(runs);
}

void report_skipped_records(const RunResult& r) {
  if (!r.trace_skipped || *r.trace_skipped == 0) return;
  const uint64_t skipped = *r.trace_skipped;
  if (r.accesses + r.warmup == 0)
    throw std::runtime_error(fmt::format(
        "all {} of the trace's records are at or above 2^47 (kernel addresses, or a 5-level user "
        "space): nothing was simulated",
        skipped));
  const double share = static_cast<double>(skipped) / static_cast<double>(skipped + r.accesses + r.warmup);
  fmt::print(stderr,
             "memvirt: {}: {} of the trace's records ({:.2f}%) are at or above 2^47 (kernel "
             "addresses, or a 5-level user space) and were left out\n",
             share > 0.01 ? "warning" : "note", skipped, 100 * share);
}

}  // namespace memvirt
