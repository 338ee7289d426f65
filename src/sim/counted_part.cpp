#include "sim/counted_part.hpp"

#include <fmt/format.h>

namespace memvirt {

// A field added to RunResult must be sorted here into the counts or the levels.
static_assert(sizeof(RunResult) == sizeof(SimConfig) + 24 * sizeof(uint64_t) + sizeof(VmExitStats) +
                                       sizeof(CycleLedger) + sizeof(DataCacheStats) +
                                       sizeof(std::optional<uint64_t>) +
                                       sizeof(RunResult::Components),
              "RunResult changed: say in counted_part() whether the new field is counted");

RunResult counted_part(const RunResult& end, const RunResult& start, uint64_t warmed) {
  // config, levels (page-table bytes), `timed` and the trace's skipped records as at the end
  RunResult r = end;
  r.warmup = warmed;
  r.accesses -= start.accesses;
  r.segfaults -= start.segfaults;
  r.tlb_hits -= start.tlb_hits;
  r.tlb_misses -= start.tlb_misses;
  r.tlb_retries -= start.tlb_retries;
  r.walks -= start.walks;
  r.walk_refs -= start.walk_refs;
  r.guest_refs -= start.guest_refs;
  r.nested_refs -= start.nested_refs;
  r.guest_page_faults -= start.guest_page_faults;
  r.cow_faults -= start.cow_faults;
  r.guest_pt_writes -= start.guest_pt_writes;
  r.shadow_faults -= start.shadow_faults;
  r.shadow_syncs -= start.shadow_syncs;
  r.hypercalls -= start.hypercalls;
  r.tlb_flushes -= start.tlb_flushes;
  r.refused_foreign_maps -= start.refused_foreign_maps;
  r.ipis -= start.ipis;
  r.vm_exits -= start.vm_exits;
  r.cycles -= start.cycles;
  r.caches -= start.caches;
  // The components' counters sort themselves into counts and levels.
  RunResult::Components& c = r.components;
  const RunResult::Components& s = start.components;
  subtract_counts(c.mmu, s.mmu);
  subtract_counts(c.tlb, s.tlb);
  subtract_counts(c.pwc, s.pwc);
  subtract_counts(c.nested_pwc, s.nested_pwc);
  subtract_counts(c.nested_tlb, s.nested_tlb);
  subtract_counts(c.kernel, s.kernel);
  subtract_counts(c.vmm, s.vmm);
  subtract_counts(c.domain, s.domain);
  return r;
}

std::string counting_note(const RunResult& r, bool with_count) {
  const std::string count = with_count ? fmt::format("{} ", r.warmup) : "";
  if (!r.config.warmup && r.warmup > 0)
    return fmt::format(
        "steady state, the loop `memvirt measure` times ({}warm-up accesses "
        "first: every page touched, one warm-up lap)",
        count);
  if (r.warmup > 0) return fmt::format("after {}warm-up accesses", count);
  return r.config.warmup ? "from first touch (--warmup 0)"
                         : "from the first event (an event stream has no warm-up)";
}

}  // namespace memvirt
