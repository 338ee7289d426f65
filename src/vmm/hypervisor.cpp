#include "vmm/hypervisor.hpp"

namespace memvirt {

Hypervisor::Hypervisor(const HypervisorConfig& config, std::vector<Mmu>& cpus, HostMemory& mem,
                       Domain* domain)
    : config_(config), cpus_(cpus), mem_(mem), domain_(domain), vcpu_state_(cpus.size()) {}

Pte Hypervisor::read_entry(GuestPhys entry) {
  const auto h = host_of(entry);
  return h ? Pte(mem_.read(*h)) : Pte();
}

void Hypervisor::table_allocated(GuestPhys table, int) {
  if (const auto h = host_of(table)) mem_.clear(*h, PageSize::k4K);
}

void Hypervisor::vm_exit(ExitReason reason, int cpu) {
  exits_.count(reason);
  if (config_.tags.flush_on_vm_transition()) tlb(cpu).invalidate_all();
}

void Hypervisor::write_cr3(int cpu, GuestPhys root, uint16_t pcid) {
  if (intercepts_tlb_control()) vm_exit(ExitReason::kCr3Write, cpu);
  MmuState s = translation_for(root);
  s.levels = config_.levels;
  s.ept_levels = config_.nested_levels;
  s.tag = config_.tags.tag(config_.vm, pcid);
  vcpu_state_[static_cast<size_t>(cpu)] = s;
  cpus_[static_cast<size_t>(cpu)].load(s);
  // Without PCIDs the new address space cannot be told from the old one.
  if (!config_.tags.tags_processes()) tlb(cpu).invalidate_non_global(s.tag);
}

void Hypervisor::invlpg(int cpu, GuestVirt va) {
  if (intercepts_tlb_control()) vm_exit(ExitReason::kInvlpg, cpu);
  tlb(cpu).invalidate_address(va, tag(cpu));
}

void Hypervisor::flush_tlb(int cpu) {
  if (intercepts_tlb_control()) vm_exit(ExitReason::kCr3Write, cpu);  // a CR3 reload
  tlb(cpu).invalidate_non_global(tag(cpu));
}

void Hypervisor::invpcid(int cpu, uint16_t pcid) {
  if (intercepts_tlb_control()) vm_exit(ExitReason::kInvpcid, cpu);
  tlb(cpu).invalidate_non_global(config_.tags.tag(config_.vm, pcid));
}

void Hypervisor::invalidate_vm() {
  const uint16_t asid = config_.tags.tag(config_.vm, 0).asid;
  for (auto& cpu : cpus_) cpu.tlb().invalidate_asid(asid);
}

void Hypervisor::send_ipi(int from, int to) {
  if (config_.vm == 0) return;  // natively an IPI is no VMM business
  // Without posted interrupts both the sending and the receiving vCPU leave the guest.
  vm_exit(ExitReason::kIpiSend, from);
  vm_exit(ExitReason::kIpiReceive, to);
}

void Hypervisor::activate() {
  for (size_t cpu = 0; cpu < cpus_.size(); ++cpu) {
    cpus_[cpu].load(vcpu_state_[cpu]);
    if (!config_.tags.tags_vms())
      cpus_[cpu].tlb().invalidate_asid(config_.tags.tag(config_.vm, 0).asid);
  }
}

}  // namespace memvirt
