#pragma once
// miss-amplification: Drepper's random list walk over growing working sets, natively and under
// shadow and nested paging, with 4 KiB and 2 MiB pages. Once the working set outgrows the TLB,
// each miss costs a walk: four references natively and under shadow paging (the hardware walks
// the shadow tree), up to 24 under nested paging.
#include <cstdint>
#include <vector>

#include "arch/page_size.hpp"
#include "sim/experiments/experiment.hpp"

namespace memvirt {

struct MissAmplificationParams {
  uint64_t min_ws = uint64_t{4} << 10;
  uint64_t max_ws = uint64_t{1} << 30;
  uint64_t ws_factor = 4;  // working sets min_ws, min_ws * factor, ... up to max_ws
  unsigned npad = 0;
  uint64_t steps = 200'000;
  std::vector<PageSize> pages = {PageSize::k4K, PageSize::k2M};  // guest and nested alike
};

MissAmplificationParams miss_amplification_params(bool quick);

// One row per page size and working set: references per access and per TLB miss in each mode,
// and nested references per miss over native ones.
ExperimentTable miss_amplification(const ExperimentOptions& options,
                                   const MissAmplificationParams& params);

inline ExperimentTable run_miss_amplification(const ExperimentOptions& options) {
  return miss_amplification(options, miss_amplification_params(options.quick));
}

}  // namespace memvirt
