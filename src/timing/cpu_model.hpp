#pragma once
// A CPU as the timing model sees it: every size and latency named, read from a preset file
// (presets/*.json, embedded at build time, or any file given by path). Sources are cited in the
// files; the loader checks that every field is present and not negative, naming the one that is.
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "arch/page_size.hpp"
#include "timing/data_caches.hpp"
#include "timing/paging_structure_cache.hpp"

namespace memvirt {

// A preset the user gave that cannot be used: the message names the file and the field.
class PresetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct VirtCosts {
  uint32_t vm_exit_entry = 0;     // one VM exit and the entry back, hardware and VMM dispatch
  uint32_t hypercall = 0;         // the VMM's work for one paravirtual call (beyond any exit)
  uint32_t guest_page_fault = 0;  // the guest kernel's #PF handler, entry to return
  uint32_t shadow_fault = 0;      // the VMM's work to fill a shadow entry (beyond the exit)
  uint32_t shadow_sync = 0;       // resynchronizing one out-of-sync shadow page
};

// TLB arrays per page size (4k, 2m, 1g); a second level with zero ways does not exist.
struct TlbShape {
  std::array<SetAssocGeometry, 3> l1{};
  std::array<SetAssocGeometry, 3> l2{};
  ReplacementKind replacement = ReplacementKind::kLru;
};

// What `memvirt calibrate` found about the machine it ran on (the preset's optional "host"
// object): what `compare` needs to predict that machine as it is.
struct HostFacts {
  std::string cpu;                     // e.g. "GenuineIntel family 6 model 207: Intel(R) Xeon(R) ..."
  bool guest = false;                  // CPUID's hypervisor bit: a process here walks two dimensions
  std::optional<PageSize> outer_page;  // the hypervisor's pages below this guest, where measured
  double tsc_ghz = 0;                  // the TSC's rate when calibrated
};

struct CpuModel {
  std::string name;
  std::string origin;  // "preset zen3" or the file path
  double core_ghz = 1.0;
  TlbShape tlb;
  uint32_t tlb_l1_hit = 0;   // cycles a first-level TLB hit adds to a load
  uint32_t tlb_l2_hit = 0;   // cycles a second-level hit adds
  uint32_t walk_start = 0;   // cycles from a second-level miss to the walker's first reference
  PscConfig psc;             // guest (or only) dimension
  PscConfig nested_psc;      // nested dimension, keyed by guest-physical address
  SetAssocGeometry nested_tlb{0, 0};  // zero ways: none
  DataCacheConfig caches;
  VirtCosts virt;
  std::optional<HostFacts> host;  // calibrated presets only
};

// `what` is a preset name (zen3, zen4, skylake, icelake), "host" (the preset `memvirt
// calibrate` wrote for this machine: host_preset_path()) or a path to a JSON file.
CpuModel load_cpu_model(std::string_view what);
// The file load_cpu_model(what) reads (the host preset's or the path given); nullopt for an
// embedded preset. Throws PresetError only where host_preset_path() does.
std::optional<std::filesystem::path> cpu_preset_file(std::string_view what);
// The text load_cpu_model(what) parses; throws PresetError as it does.
std::string cpu_preset_text(std::string_view what);
// Where `memvirt calibrate` writes this machine's preset and `--cpu host` reads it:
// $XDG_CONFIG_HOME/memvirt/host.json, else $HOME/.config/memvirt/host.json.
std::filesystem::path host_preset_path();
// Parses preset text; `origin` names it in error messages.
CpuModel parse_cpu_model(std::string_view text, const std::string& origin);
std::vector<std::string> cpu_preset_names();

}  // namespace memvirt
