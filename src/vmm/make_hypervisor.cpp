#include <stdexcept>

#include <fmt/format.h>

#include "vmm/hypervisor.hpp"
#include "vmm/native.hpp"
#include "vmm/nested.hpp"
#include "vmm/pv.hpp"
#include "vmm/shadow.hpp"

namespace memvirt {

std::optional<PagingMode> parse_paging_mode(std::string_view text) {
  for (PagingMode m : {PagingMode::kNative, PagingMode::kShadow, PagingMode::kPv, PagingMode::kNested})
    if (text == paging_mode_name(m)) return m;
  return std::nullopt;
}

std::unique_ptr<Hypervisor> make_hypervisor(const HypervisorConfig& config, HostMemory& mem,
                                            std::vector<Mmu>& cpus, Domain* domain) {
  if (config.mode != PagingMode::kNative && !domain)
    throw std::logic_error("a VMM policy needs the VM's domain");
  switch (config.mode) {
    case PagingMode::kNative: return std::make_unique<Native>(config, mem, cpus);
    case PagingMode::kShadow: return std::make_unique<Shadow>(config, mem, cpus, *domain);
    case PagingMode::kNested: return std::make_unique<Nested>(config, mem, cpus, *domain);
    case PagingMode::kPv: return std::make_unique<Pv>(config, mem, cpus, *domain);
  }
  throw std::logic_error(fmt::format("no VMM policy for paging mode {}",
                                    static_cast<int>(config.mode)));
}

}  // namespace memvirt
