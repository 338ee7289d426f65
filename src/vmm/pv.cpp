#include "vmm/pv.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "arch/paging.hpp"
#include "arch/table_cursor.hpp"
#include "vmm/paging_modes.hpp"

namespace memvirt {

Pv::Pv(const HypervisorConfig& config, HostMemory& mem, std::vector<Mmu>& cpus, Domain& domain)
    : Hypervisor(config, cpus, mem, &domain) {
  if (config.pv_batch < 1) throw std::invalid_argument("the PV batch must be at least 1");
}

HostPhys Pv::machine_of(GuestPhys gpa) {
  const HostPhys h = domain_->populate(gpa);
  const PageSize size = domain_->backing_size(gpa);
  uint64_t& entry = m2p_[static_cast<size_t>(size)].at(h.raw() >> page_shift(size));
  if (entry == 0) entry = gpa.align_down(page_bytes(size)).raw() | kM2pPresent;
  return h;
}

std::optional<GuestPhys> Pv::guest_of(HostPhys hpa) const {
  // Xen's frames never overlap, so at most one size has an entry for `hpa`.
  for (const PageSize size : {PageSize::k4K, PageSize::k2M, PageSize::k1G}) {
    const uint64_t entry = m2p_[static_cast<size_t>(size)].get(hpa.raw() >> page_shift(size));
    if (entry & kM2pPresent)
      return GuestPhys((entry & ~kM2pPresent) + hpa.offset_in(page_bytes(size)));
  }
  return std::nullopt;
}

Pte Pv::read_entry(GuestPhys entry) {
  if (const auto q = queued_.find(entry.raw()); q != queued_.end()) return q->second;
  const auto h = domain_->lookup(entry);
  if (!h) return Pte();
  Pte pte(mem_.read(*h));
  // Only frames the guest named by guest-physical address have an m2p entry here; one named
  // solely by machine address (through mmu_update()) reads back as that machine frame.
  if (pte.present())
    if (const auto g = guest_of(HostPhys(pte.frame()))) pte.set_frame(g->raw());
  return pte;
}

Pte Pv::to_machine(GuestPhys entry, Pte value) {
  if (!value.present()) return value;
  const GuestPhys frame(value.frame());
  const HostPhys machine = machine_of(frame);
  const auto level = table_level_.find(entry.align_down(kTableBytes).raw());
  if (level != table_level_.end() && is_leaf_entry(value, level->second)) {
    // A machine leaf maps contiguous machine memory: the backing must be at least as large.
    const PageSize page = page_size_at_level(level->second);
    if (page_bytes(page) > page_bytes(domain_->backing_size(frame)))
      throw std::invalid_argument(
          fmt::format("pv mode: a {} guest page (--page) needs --nested-page {} or larger",
                      page_size_name(page), page_size_name(page)));
  }
  return value.set_frame(machine.raw());
}

void Pv::write_entry(GuestPhys entry, Pte value) {
  queue_.push_back(Request{entry, machine_of(entry), to_machine(entry, value)});
  queued_[entry.raw()] = value;
  if (queue_.size() >= config_.pv_batch) flush();
}

bool Pv::allowed(Pte value) const {
  return !value.present() || domain_->owns(HostPhys(value.frame()));
}

bool Pv::apply(const Request& r) {
  ++pv_.updates;
  if (!allowed(r.value)) {
    ++stats_.refused_foreign_maps;
    return false;
  }
  mem_.write(r.entry, r.value.raw());
  return true;
}

void Pv::flush() {
  if (queue_.empty()) return;
  ++pv_.mmu_update_calls;
  ++stats_.hypercalls;
  for (const Request& r : queue_) apply(r);
  queue_.clear();
  queued_.clear();
}

bool Pv::mmu_update(GuestPhys entry, uint64_t machine_entry) {
  flush();
  ++pv_.mmu_update_calls;
  ++stats_.hypercalls;
  return apply(Request{entry, machine_of(entry), Pte(machine_entry)});
}

void Pv::mmuext_op() {
  flush();
  ++pv_.mmuext_op_calls;
  ++stats_.hypercalls;
}

void Pv::table_allocated(GuestPhys table, int level) {
  // Updates still queued for this page's previous life as a table must land before the guest
  // zeroes it for its new one.
  const HostPhys page = machine_of(table);
  if (std::any_of(queue_.begin(), queue_.end(),
                  [&](const Request& r) { return r.entry.align_down(kTableBytes) == page; }))
    flush();
  mem_.clear(page, PageSize::k4K);
  table_level_[table.raw()] = level;
}

void Pv::table_freed(GuestPhys table, int) { table_level_.erase(table.raw()); }

void Pv::write_cr3(int cpu, GuestPhys root, uint16_t pcid) {
  mmuext_op();  // MMUEXT_NEW_BASEPTR
  Hypervisor::write_cr3(cpu, root, pcid);
}

void Pv::invlpg(int cpu, GuestVirt va) {
  mmuext_op();  // MMUEXT_INVLPG_LOCAL
  Hypervisor::invlpg(cpu, va);
}

void Pv::flush_tlb(int cpu) {
  mmuext_op();  // MMUEXT_TLB_FLUSH_LOCAL
  Hypervisor::flush_tlb(cpu);
}

void Pv::invpcid(int cpu, uint16_t pcid) {
  mmuext_op();
  Hypervisor::invpcid(cpu, pcid);
}

void Pv::send_ipi(int, int) {
  // An event-channel notification: a hypercall by the sender, no VM exit on either side.
  ++pv_.event_sends;
  ++stats_.hypercalls;
}

MmuState Pv::translation_for(GuestPhys root) {
  MmuState s;
  s.mode = TranslationMode::kOneDimension;
  s.root = machine_of(root);
  s.guest_root = root;
  return s;
}

FaultAction Pv::handle_fault(int, GuestVirt, AccessType, const WalkResult&) {
  // Every frame a guest entry names was backed when Xen applied the entry, so each fault is the
  // guest's own; the CPU delivers it to Xen, which bounces it to the guest's handler.
  ++pv_.fault_bounces;
  return FaultAction::kGuestFault;
}

}  // namespace memvirt

namespace memvirt {
namespace {

void check_pv(const ModeRequest& r) {
  if (r.model != VmmModel::kXen)
    throw std::invalid_argument("pv mode is Xen's paravirtual paging: it needs --model xen");
  if (page_bytes(r.page) > page_bytes(r.nested_page))
    throw std::invalid_argument(fmt::format(
        "pv mode: guest tables map machine frames, so --page {} needs --nested-page {} or larger",
        page_size_name(r.page), page_size_name(r.page)));
}

std::unique_ptr<Hypervisor> make_pv(const HypervisorConfig& config, HostMemory& mem,
                                    std::vector<Mmu>& cpus, Domain* domain) {
  return std::make_unique<Pv>(config, mem, cpus, *domain);
}

}  // namespace

extern const PagingModeSpec kPvMode{
    .mode = PagingMode::kPv,
    .name = "pv",
    .help = "Xen's paravirtual paging: the guest's tables hold machine frames, and it updates "
            "them by hypercall",
    .runs_vms = true,
    .hardware_walks_p2m = false,
    .implied_model = VmmModel::kXen,
    .check = check_pv,
    .make = make_pv,
};

}  // namespace memvirt
