// Page migration: one private page moves to a new frame under a live mapping.
#include <fmt/format.h>

#include "os/kernel.hpp"

namespace memvirt {

GuestPhys Kernel::migrate(uint32_t pid, GuestVirt va) {
  Process& p = proc(pid);
  Leaf leaf;
  if (!find_leaf(p, va, leaf))
    throw KernelError(fmt::format("migrate of pid {}: {:#x} is not mapped", pid, va.raw()));
  const GuestPhys from(leaf.pte.frame());
  // A shared frame would need every mapping of it repointed (a reverse map we do not keep).
  if (find_vma(p, va)->shm || shared_frames_.count(from.raw()))
    throw KernelError(fmt::format("migrate of pid {}: {:#x} is a shared page", pid, va.raw()));
  const PageSize size = page_size_at_level(leaf.level);
  const GuestVirt base = va.align_down(page_bytes(size));
  notify_invalidate(p, base, leaf.level);
  const GuestPhys to = frames_.allocate(size, FrameUse::kData);
  frames_.copy(from, to, size);
  write(leaf.entry, Pte(leaf.pte).set_frame(to.raw()));
  frames_.free(from, size, FrameUse::kData);
  invalidate_pages(p, {base});
  port_.commit();
  return to;
}

}  // namespace memvirt
