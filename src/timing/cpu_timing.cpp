#include "timing/cpu_timing.hpp"

namespace memvirt {

CpuTiming::CpuTiming(const CpuModel& model)
    : model_(model), caches_(model.caches), psc_(model.psc), nested_psc_(model.nested_psc) {
  if (model.nested_tlb.ways > 0) nested_tlb_.emplace(model.nested_tlb);
}

void CpuTiming::charge(CostEvent e, uint64_t count) {
  const VirtCosts& v = model_.virt;
  switch (e) {
    case CostEvent::kVmExit: ledger_.add(CycleCategory::kVmExit, count * v.vm_exit_entry); return;
    case CostEvent::kHypercall: ledger_.add(CycleCategory::kHypercall, count * v.hypercall); return;
    case CostEvent::kGuestPageFault:
      ledger_.add(CycleCategory::kGuestPageFault, count * v.guest_page_fault);
      return;
    case CostEvent::kShadowFault: ledger_.add(CycleCategory::kShadow, count * v.shadow_fault); return;
    case CostEvent::kShadowSync: ledger_.add(CycleCategory::kShadow, count * v.shadow_sync); return;
  }
}

void CpuTiming::flush_walk_caches(bool context) {
  psc_.flush();
  if (!context) return;
  nested_psc_.flush();
  if (nested_tlb_) nested_tlb_->flush();
}

}  // namespace memvirt
