#pragma once
// A hypervisor policy: how guest memory is virtualized (none, shadow, nested). It is the port
// the guest kernel changes paging state through, and it handles the faults the MMU raises.
#include <memory>
#include <optional>
#include <string_view>

#include "arch/address.hpp"
#include "memory/host_memory.hpp"
#include "mmu/mmu.hpp"
#include "mmu/walk_result.hpp"
#include "os/paging_port.hpp"
#include "vmm/domain.hpp"
#include "vmm/vm_exit.hpp"

namespace memvirt {

enum class PagingMode : uint8_t { kNative, kShadow, kNested };

constexpr std::string_view paging_mode_name(PagingMode m) {
  switch (m) {
    case PagingMode::kNative: return "native";
    case PagingMode::kShadow: return "shadow";
    case PagingMode::kNested: return "nested";
  }
  return "?";
}

std::optional<PagingMode> parse_paging_mode(std::string_view text);

// What becomes of a translation fault.
enum class FaultAction : uint8_t {
  kRetry,       // the VMM fixed its own tables; the access runs again
  kGuestFault,  // a page fault for the guest kernel to handle
};

struct HypervisorStats {
  uint64_t shadow_faults = 0;
  uint64_t shadow_zaps = 0;      // shadow entries dropped because a guest entry changed
  uint64_t shadow_pages = 0;     // shadow table pages held now
  uint64_t shadow_roots = 0;     // shadow trees held now (one per guest root)
};

class Hypervisor : public PagingPort {
 public:
  virtual PagingMode mode() const = 0;
  virtual FaultAction handle_fault(GuestVirt va, AccessType type, const WalkResult& walk) = 0;
  // Host-physical address behind a guest-physical one (identity without a VMM), if backed.
  virtual std::optional<HostPhys> host_of(GuestPhys gpa) const = 0;
  // Guest-physical memory map, where there is one.
  virtual const Domain* domain() const { return nullptr; }

  const VmExitStats& exits() const { return exits_; }
  const HypervisorStats& stats() const { return stats_; }

 protected:
  VmExitStats exits_;
  HypervisorStats stats_;
};

struct HypervisorConfig {
  PagingMode mode = PagingMode::kNative;
  int levels = 4;                          // guest paging levels
  int nested_levels = 4;                   // EPT levels
  PageSize nested_page = PageSize::k4K;    // host frames behind guest memory
  uint16_t vpid = 1;
};

std::unique_ptr<Hypervisor> make_hypervisor(const HypervisorConfig& config, HostMemory& mem,
                                            Mmu& mmu);

}  // namespace memvirt
