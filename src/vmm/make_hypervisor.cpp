#include <stdexcept>

#include "vmm/hypervisor.hpp"
#include "vmm/native.hpp"
#include "vmm/nested.hpp"
#include "vmm/shadow.hpp"

namespace memvirt {

std::optional<PagingMode> parse_paging_mode(std::string_view text) {
  for (PagingMode m : {PagingMode::kNative, PagingMode::kShadow, PagingMode::kNested})
    if (text == paging_mode_name(m)) return m;
  return std::nullopt;
}

std::unique_ptr<Hypervisor> make_hypervisor(const HypervisorConfig& config, HostMemory& mem,
                                            Mmu& mmu) {
  switch (config.mode) {
    case PagingMode::kNative: return std::make_unique<Native>(mem, mmu, config.levels);
    case PagingMode::kShadow: return std::make_unique<Shadow>(config, mem, mmu);
    case PagingMode::kNested: return std::make_unique<Nested>(config, mem, mmu);
  }
  throw std::logic_error("unknown paging mode");
}

}  // namespace memvirt
