#pragma once
// How much of a run is warm-up. `--warmup N` makes each workload instance simulate N accesses
// before counting starts (ChampSim's warm-up instructions). `auto` makes a listwalk or random run
// the computation `memvirt measure` times: the pages touched first, one warm-up lap, then the lap
// that counts (workload/measured_loop.hpp). Event streams (traces, churn, ctxswitch, forkexec)
// start from their first event under `auto`: their start is part of what they are.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "arch/page_size.hpp"
#include "workload/spec.hpp"
#include "workload/workload.hpp"

namespace memvirt {

struct WarmupPlan {
  bool measured_loop = false;  // run the workload's measured form
  uint64_t accesses = 0;       // per workload instance, before counting starts
};

WarmupPlan plan_warmup(const WorkloadSpec& spec, PageSize page, std::optional<uint64_t> warmup);

// The instance one VM runs under `plan`.
std::unique_ptr<Workload> make_warm_workload(const WorkloadSpec& spec, const WorkloadContext& ctx,
                                             const WarmupPlan& plan);

// "auto" or the number; parse_warmup returns nullopt (auto) or N, and throws
// std::invalid_argument naming the text when it is neither.
std::string warmup_name(std::optional<uint64_t> warmup);
std::optional<uint64_t> parse_warmup(const std::string& text);

}  // namespace memvirt
