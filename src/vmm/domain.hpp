#pragma once
// A VM's guest-physical memory: the map from guest-physical to host-physical frames (Xen's p2m,
// KVM's memslots + EPT), kept as a real EPT-format tree in host memory. Under nested paging the
// hardware walks this tree; under shadow paging the VMM reads it in software.
#include <cstdint>
#include <optional>

#include "arch/address.hpp"
#include "arch/page_size.hpp"
#include "memory/host_memory.hpp"

namespace memvirt {

struct DomainConfig {
  uint16_t id = 1;                     // also the VPID/ASID its vCPU runs with
  PageSize backing = PageSize::k4K;    // size of the host frames behind guest memory
  int levels = 4;                      // EPT levels (5 with LA57 guests)
  FrameRole table_role = FrameRole::kNestedPageTable;
};

struct DomainStats {
  uint64_t populated_bytes = 0;  // guest-physical memory backed by host frames
  uint64_t populations = 0;
};

class Domain {
 public:
  Domain(HostMemory& mem, DomainConfig config);

  // Host-physical address of `gpa`, backing its frame on first use.
  HostPhys populate(GuestPhys gpa);
  // Host-physical address of `gpa` if backed.
  std::optional<HostPhys> lookup(GuestPhys gpa) const;

  HostPhys root() const { return root_; }
  const DomainConfig& config() const { return config_; }
  const DomainStats& stats() const { return stats_; }

 private:
  HostMemory& mem_;
  DomainConfig config_;
  HostPhys root_;
  DomainStats stats_;
};

}  // namespace memvirt
