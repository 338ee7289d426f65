#pragma once
// Everything one simulated run depends on. Same config, same workload, same seed: same numbers.
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "arch/page_size.hpp"
#include "mmu/tlb.hpp"
#include "timing/cpu_model.hpp"
#include "vmm/hypervisor.hpp"
#include "vmm/tlb_tagging.hpp"
#include "vmm/vmm_host.hpp"

namespace memvirt {

// Where the kernels' 4 KiB frames land, as the physically indexed caches see it: in order (a
// fresh machine) or on random page colours (a machine that has run a while).
enum class FramePlacement : uint8_t { kInOrder, kScattered };

constexpr std::string_view frame_placement_name(FramePlacement p) {
  return p == FramePlacement::kScattered ? "scattered" : "in-order";
}
constexpr std::optional<FramePlacement> parse_frame_placement(std::string_view text) {
  if (text == "in-order") return FramePlacement::kInOrder;
  if (text == "scattered") return FramePlacement::kScattered;
  return std::nullopt;
}

struct SimConfig {
  PagingMode mode = PagingMode::kNative;
  VmmModel model = VmmModel::kKvm;
  PageSize page = PageSize::k4K;         // guest pages backing the workload's mappings
  PageSize nested_page = PageSize::k4K;  // host frames behind guest memory (EPT leaves, shadow)
  int levels = 4;                        // guest paging levels (5 = LA57)
  int nested_levels = 4;                 // EPT levels
  uint64_t seed = 1;  // also seeds the page colours of scattered frames
  FramePlacement frames = FramePlacement::kInOrder;
  TlbConfig tlb;
  // The timing model's CPU (its TLB shape goes into `tlb`); null: counts only, no cycles.
  std::shared_ptr<const CpuModel> cpu;
  TlbTagging tlb_tag = TlbTagging::kVpid;
  uint32_t pv_batch = 1;       // page-table updates per mmu_update hypercall (pv mode)
  bool shadow_unsync = false;  // KVM's out-of-sync leaf shadow pages (shadow mode)
  // Agile mode: writes within an interval that send a guest table to nested mode; the interval,
  // in accesses.
  uint32_t agile_writes = 2;
  uint64_t agile_interval = 100'000;
  int vms = 1;                 // VMs time-sharing the CPUs, each running the workload
  int vcpus = 1;               // vCPUs per VM (and physical CPUs)
  uint64_t vm_quantum = 10000;    // events a VM runs before the next one gets the CPUs
  uint64_t vcpu_quantum = 1000;   // events a vCPU runs before the next vCPU takes over
  // Accesses each workload instance (one per VM) simulates before the counters start; empty:
  // auto, the computation `memvirt measure` times (warmup.hpp).
  std::optional<uint64_t> warmup;
  uint64_t guest_memory = uint64_t{256} << 30;  // guest-physical address space
  uint64_t host_memory = uint64_t{1} << 40;     // host-physical address space
};

}  // namespace memvirt
