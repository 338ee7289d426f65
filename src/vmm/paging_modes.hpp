#pragma once
// The paging modes, registered by name. Each mode's own file describes it once: its name, its
// help line, what it asks of a configuration, and the VMM policy that runs it. The CLI, the
// factory and the configuration checks read these descriptions, not a list of their own.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arch/page_size.hpp"
#include "vmm/hypervisor.hpp"
#include "vmm/vmm_host.hpp"

namespace memvirt {

// What a mode's rules look at in a configuration.
struct ModeRequest {
  int vms = 1;
  uint64_t guest_memory = 0;
  uint64_t host_memory = 0;
  VmmModel model = VmmModel::kKvm;
  PageSize page = PageSize::k4K;         // the guest's pages
  PageSize nested_page = PageSize::k4K;  // the host frames behind guest memory
};

using MakeHypervisor = std::unique_ptr<Hypervisor> (*)(const HypervisorConfig&, HostMemory&,
                                                      std::vector<Mmu>&, Domain*);

struct PagingModeSpec {
  PagingMode mode;
  std::string_view name;  // as --mode and the reports spell it
  std::string_view help;  // one line
  // False: the kernel runs on the machine itself, with no VMM and no VM.
  bool runs_vms = true;
  // The hardware walks the VMM's guest-physical map (EPT/NPT), so the VMM keeps it in that form.
  bool hardware_walks_p2m = false;
  // The VMM model the mode runs under unless the user names one.
  std::optional<VmmModel> implied_model;
  // Throws std::invalid_argument naming what `request` asks that the mode cannot do.
  void (*check)(const ModeRequest& request) = nullptr;
  MakeHypervisor make = nullptr;
};

// Every mode, in the order help and errors list them.
const std::vector<const PagingModeSpec*>& paging_modes();
const PagingModeSpec& paging_mode_spec(PagingMode mode);
inline bool mode_runs_vms(PagingMode mode) { return paging_mode_spec(mode).runs_vms; }
// "native, shadow, pv or nested".
std::string paging_mode_choices();

}  // namespace memvirt
