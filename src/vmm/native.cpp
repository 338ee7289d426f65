#include "vmm/native.hpp"

namespace memvirt {

void Native::write_cr3(GuestPhys root, uint16_t) {
  MmuState s;
  s.mode = TranslationMode::kOneDimension;
  s.root = identity_host(root);
  s.levels = levels_;
  s.tag = TlbTag{0, 0};  // the host: ASID 0, no PCID
  mmu_.load(s);
  mmu_.tlb().invalidate_non_global(s.tag);
}

}  // namespace memvirt
