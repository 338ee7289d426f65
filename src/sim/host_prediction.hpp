#pragma once
// How `memvirt compare` simulates what it measured: the machine as it really is. A process on a
// machine that is itself a guest walks two dimensions (its own tables under the outer
// hypervisor's nested table), and a KVM guest is walked the way its backend virtualizes it. The
// functions are pure: the facts come in, the simulated machine's shape and a label go out.
#include <cstdint>
#include <optional>
#include <string>

#include "arch/page_size.hpp"
#include "kvm/backend.hpp"
#include "sim/sim_config.hpp"

namespace memvirt {

// What is known of the machine the measurement ran on.
struct MachineFacts {
  bool guest = false;                  // CPUID's hypervisor bit: an outer hypervisor lies below
  std::optional<PageSize> outer_page;  // that hypervisor's pages, where calibration found them
};

// The part of a SimConfig that says which machine is simulated, and that machine in words.
struct PredictionShape {
  PagingMode mode = PagingMode::kNative;
  PageSize page = PageSize::k4K;
  PageSize nested_page = PageSize::k4K;
  std::string label;  // e.g. "nested 4k/4k (guest of an outer hypervisor, outer pages 4k)"

  void apply_to(SimConfig& config) const;
};

// A host process with `process_page` pages: native on bare metal; on a guest, nested with the
// outer page size (4k assumed, and said, where it is unknown).
PredictionShape predict_host_process(const MachineFacts& machine, PageSize process_page);

// A guest of memvirt's VMM with `guest_page` pages on `host_backing` pages of the VMM's memory,
// as `backend` runs it. Empty when the backend is unknown or absent: nothing to predict from.
std::optional<PredictionShape> predict_kvm_guest(const MachineFacts& machine,
                                                 const KvmBackend& backend, PageSize guest_page,
                                                 PageSize host_backing);

// The page size a mapping really got: 2m pages asked of transparent huge pages count only when
// the kernel backed at least half of the `bytes` with them (smaps' `huge_bytes`).
PageSize backed_page(PageSize requested, uint64_t huge_bytes, uint64_t bytes);

}  // namespace memvirt
