#include "vmm/p2m_domain.hpp"

#include <stdexcept>

#include "arch/ept_entry.hpp"
#include "arch/paging.hpp"
#include "arch/table_cursor.hpp"
#include "mmu/walker.hpp"

namespace memvirt {
namespace {

EptEntry table_entry(HostPhys table) {
  return EptEntry().set_readable(true).set_writable(true).set_executable(true).set_frame(
      table.raw());
}

}  // namespace

P2mDomain::P2mDomain(HostMemory& mem, P2mDomainConfig config)
    : Domain(config.vm), mem_(mem), config_(config) {
  if (!valid_levels(config.levels)) throw std::invalid_argument("EPT levels must be 4 or 5");
  root_ = mem_.allocate(PageSize::k4K, config_.table_role);
}

std::optional<HostPhys> P2mDomain::lookup(GuestPhys gpa) const {
  WalkRefs scratch;
  const auto t = walk_nested(mem_, root_, config_.levels, gpa, AccessType::kRead, false, scratch);
  if (!t.ok) return std::nullopt;
  return t.hpa;
}

HostPhys P2mDomain::populate(GuestPhys gpa) {
  const auto tree =
      table_cursor<EptEntry>(root_, config_.levels, [this](HostPhys e) { return EptEntry(mem_.read(e)); });
  const HostPhys e = tree.ensure(gpa.raw(), leaf_level(config_.backing), [&](const auto& missing) {
    const HostPhys child = mem_.allocate(PageSize::k4K, config_.table_role);
    mem_.write(missing.at, table_entry(child).raw());
    return child;
  });
  EptEntry entry(mem_.read(e));
  if (!entry.present()) {
    const HostPhys frame = allocate_backing();
    entry = table_entry(frame)
                .set_memory_type(EptMemoryType::kWriteBack)
                .set_ignore_pat(true)
                .set_large(config_.backing != PageSize::k4K);
    mem_.write(e, entry.raw());
    stats_.populated_bytes += page_bytes(config_.backing);
    ++stats_.populations;
  }
  return HostPhys(entry.frame() + gpa.offset_in(page_bytes(config_.backing)));
}

HostPhys P2mDomain::allocate_backing() { return mem_.allocate(config_.backing, FrameRole::kData); }

bool P2mDomain::owns(HostPhys hpa) const {
  // Every frame this domain's p2m maps was handed to it; a reverse lookup would need an m2p table,
  // so the VMM that hands frames to several domains keeps ownership (see XenVmm).
  (void)hpa;
  return true;
}

}  // namespace memvirt
