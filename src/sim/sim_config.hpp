#pragma once
// Everything one simulated run depends on. Same config, same workload, same seed: same numbers.
#include <cstdint>

#include "arch/page_size.hpp"
#include "mmu/tlb.hpp"
#include "vmm/hypervisor.hpp"

namespace memvirt {

struct SimConfig {
  PagingMode mode = PagingMode::kNative;
  PageSize page = PageSize::k4K;         // guest pages backing the workload's mappings
  PageSize nested_page = PageSize::k4K;  // host frames behind guest memory (EPT leaves, shadow)
  int levels = 4;                        // guest paging levels (5 = LA57)
  int nested_levels = 4;                 // EPT levels
  uint64_t seed = 1;
  TlbConfig tlb;
  uint64_t guest_memory = uint64_t{256} << 30;  // guest-physical address space
  uint64_t host_memory = uint64_t{1} << 40;     // host-physical address space
};

}  // namespace memvirt
