#include "vmm/paging_modes.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace memvirt {

// Each is defined in its mode's file. They are listed here rather than registered by static
// constructors, which a static library drops when nothing else refers to their object file.
extern const PagingModeSpec kNativeMode;
extern const PagingModeSpec kShadowMode;
extern const PagingModeSpec kPvMode;
extern const PagingModeSpec kNestedMode;
extern const PagingModeSpec kFlatNestedMode;
extern const PagingModeSpec kAgileMode;

const std::vector<const PagingModeSpec*>& paging_modes() {
  static const std::vector<const PagingModeSpec*> modes = {&kNativeMode, &kShadowMode, &kPvMode,
                                                            &kNestedMode, &kFlatNestedMode,
                                                            &kAgileMode};
  return modes;
}

const PagingModeSpec& paging_mode_spec(PagingMode mode) {
  for (const PagingModeSpec* m : paging_modes())
    if (m->mode == mode) return *m;
  throw std::logic_error(fmt::format("paging mode {} is not registered", static_cast<int>(mode)));
}

std::string paging_mode_choices() {
  std::string text;
  const auto& modes = paging_modes();
  for (size_t i = 0; i < modes.size(); ++i) {
    if (i) text += i + 1 == modes.size() ? " or " : ", ";
    text += modes[i]->name;
  }
  return text;
}

std::string_view paging_mode_name(PagingMode m) { return paging_mode_spec(m).name; }

std::optional<PagingMode> parse_paging_mode(std::string_view text) {
  for (const PagingModeSpec* m : paging_modes())
    if (text == m->name) return m->mode;
  return std::nullopt;
}

std::unique_ptr<Hypervisor> make_hypervisor(const HypervisorConfig& config, HostMemory& mem,
                                            std::vector<Mmu>& cpus, Domain* domain) {
  const PagingModeSpec& spec = paging_mode_spec(config.mode);
  if (spec.runs_vms && !domain) throw std::logic_error("a VMM policy needs the VM's domain");
  return spec.make(config, mem, cpus, domain);
}

}  // namespace memvirt
