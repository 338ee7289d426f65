#include "vmm/kvm_host.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "vmm/paging_modes.hpp"

namespace memvirt {
namespace {

// The host kernel's own shape: no simulated CPU runs its processes, so one CPU will do.
KernelConfig host_kernel_config(const HostMemory& mem) {
  KernelConfig c;
  c.levels = 4;
  c.physical_bytes = mem.capacity();
  c.cpus = 1;
  return c;
}

}  // namespace

KvmHost::KvmHost(const VmmHostConfig& config, HostMemory& mem)
    : config_(config), mem_(mem), port_(mem), kernel_(host_kernel_config(mem), port_, &port_) {
  if (config.guest_memory > user_space_end(4) - kMemslotBase)
    throw std::invalid_argument("KVM model: guest memory does not fit the VMM's address space");
  kernel_.on_invalidate([this](uint32_t pid, GuestVirt start, uint64_t length) {
    const auto it = domains_.find(pid);
    if (it != domains_.end()) it->second->host_invalidated(start, length);
  });
}

std::unique_ptr<Domain> KvmHost::create_domain(uint16_t vm) {
  // The VMM process of VM `vm` has pid `vm`: it mmaps the guest's memory, as QEMU does.
  const uint32_t pid = vm;
  const Memslot slot{GuestVirt(kMemslotBase), config_.guest_memory};
  kernel_.create_process(pid);
  kernel_.mmap(pid, slot.hva, slot.bytes, kProtRead | kProtWrite, config_.backing);
  auto d = std::make_unique<KvmDomain>(*this, vm, pid, slot);
  domains_[pid] = d.get();
  return d;
}

void KvmHost::release(uint32_t vmm_pid) {
  domains_.erase(vmm_pid);
  kernel_.exit(vmm_pid);
}

KvmDomain::KvmDomain(KvmHost& host, uint16_t vm, uint32_t vmm_pid, Memslot slot)
    : Domain(vm), host_(host), pid_(vmm_pid), slot_(slot) {
  if (paging_mode_spec(host.config().mode).hardware_walks_p2m)
    ept_ = std::make_unique<KvmEpt>(host.memory(), host.config().levels);
}

// When the whole machine goes, the VMM process's teardown is skipped: it would allocate.
KvmDomain::~KvmDomain() {
  if (!host_.memory().retiring()) host_.release(pid_);
}

std::optional<GuestMapping> KvmDomain::host_mapping(GuestPhys gpa) const {
  if (!slot_.contains(gpa)) return std::nullopt;
  return host_.kernel_.lookup(pid_, slot_.hva_of(gpa));
}

std::optional<HostPhys> KvmDomain::lookup(GuestPhys gpa) const {
  const auto m = host_mapping(gpa);
  if (!m) return std::nullopt;
  return identity_host(m->gpa);  // the host kernel's physical addresses are host-physical
}

HostPhys KvmDomain::populate(GuestPhys gpa) {
  auto m = host_mapping(gpa);
  if (!m) {
    if (!slot_.contains(gpa))
      throw KernelError(fmt::format("VM {}: guest-physical {:#x} is outside its {:#x} bytes",
                                    vm(), gpa.raw(), slot_.bytes));
    // Host demand paging, as get_user_pages() on the memslot's hVA would do.
    const GuestVirt hva = slot_.hva_of(gpa);
    if (host_.kernel_.handle_page_fault(pid_, hva, AccessType::kWrite) == FaultResult::kSegfault)
      throw KernelError(fmt::format("VM {}: guest-physical {:#x} (hVA {:#x}) is not mapped in its "
                                    "VMM process", vm(), gpa.raw(), hva.raw()));
    m = host_mapping(gpa);
    ++stats_.populations;
    stats_.populated_bytes += page_bytes(m->size);
  }
  const uint64_t page = page_bytes(m->size);
  if (ept_) ept_->map(gpa.align_down(page), identity_host(m->gpa.align_down(page)), m->size);
  return identity_host(m->gpa);
}

PageSize KvmDomain::backing_size(GuestPhys gpa) const {
  const auto m = host_mapping(gpa);
  return m ? m->size : host_.config().backing;
}

HostPhys KvmDomain::ept_root() {
  if (!ept_) throw std::logic_error("KVM shadow paging keeps no EPT");
  return ept_->root();
}

int KvmDomain::ept_levels() const { return host_.config().levels; }

void KvmDomain::host_invalidated(GuestVirt start, uint64_t length) {
  const auto range = slot_.gpa_range(start, length);
  if (!range) return;
  if (ept_) ept_->zap(range->first, range->second);
  invalidated(range->first, range->second);
}

}  // namespace memvirt
