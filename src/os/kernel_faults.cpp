// Page-fault handling: demand paging and copy-on-write.
#include "os/kernel.hpp"

namespace memvirt {
namespace {

bool vma_allows(const Vma& vma, AccessType type) {
  switch (type) {
    case AccessType::kRead: return vma.prot != kProtNone;
    case AccessType::kWrite: return vma.writable();
    case AccessType::kExecute: return vma.executable();
  }
  return false;
}

}  // namespace

FaultResult Kernel::handle_page_fault(uint32_t pid, GuestVirt va, AccessType type) {
  const FaultResult r = resolve_fault(pid, va, type);
  port_.commit();
  return r;
}

FaultResult Kernel::resolve_fault(uint32_t pid, GuestVirt va, AccessType type) {
  ++stats_.page_faults;
  Process& p = proc(pid);
  const Vma* vma = find_vma(p, va);
  if (!vma || !vma_allows(*vma, type)) {
    ++stats_.segfaults;
    return FaultResult::kSegfault;
  }
  Leaf leaf;
  if (!find_leaf(p, va, leaf)) {
    map_fresh(p, *vma, va, type == AccessType::kWrite);
    ++stats_.demand_faults;
    return FaultResult::kResolved;
  }
  // (A shared mapping's leaf is writable whenever its VMA is, so it never reaches here.)
  if (type == AccessType::kWrite && !leaf.pte.writable()) {
    copy_on_write(p, *vma, leaf, va);
    ++stats_.cow_faults;
    return FaultResult::kResolved;
  }
  // The tables already allow the access: the fault came from a stale translation.
  if (is_current(p)) port_.invlpg(cpu_, va);
  return FaultResult::kResolved;
}

void Kernel::map_fresh(Process& p, const Vma& vma, GuestVirt va, bool dirty) {
  const GuestVirt base = va.align_down(page_bytes(vma.page));
  GuestPhys frame;
  if (vma.shm) {
    frame = shared_frame(vma, va);
    add_ref(frame);
  } else {
    frame = frames_.allocate(vma.page, FrameUse::kData);
    stats_.data_bytes += page_bytes(vma.page);
  }
  const GuestPhys entry = ensure_entry(p, base, leaf_level(vma.page));
  write(entry, make_leaf(vma, frame, vma.writable()).set_dirty(dirty));
}

GuestPhys Kernel::shared_frame(const Vma& vma, GuestVirt va) {
  SharedObject& o = shared_objects_.at(vma.shm);
  const uint64_t index = (va - vma.shm_base) / page_bytes(o.page);
  auto [it, fresh] = o.frames.try_emplace(index);
  if (fresh) {
    it->second = frames_.allocate(o.page, FrameUse::kData);
    stats_.data_bytes += page_bytes(o.page);
  }
  return it->second;
}

void Kernel::copy_on_write(Process& p, const Vma& vma, const Leaf& leaf, GuestVirt va) {
  const PageSize size = page_size_at_level(leaf.level);
  GuestPhys frame(leaf.pte.frame());
  auto shared = shared_frames_.find(frame.raw());
  if (shared != shared_frames_.end()) {
    // Data frames hold no bytes, so the copy is the new frame alone.
    if (--shared->second == 1) shared_frames_.erase(shared);
    frame = frames_.allocate(size, FrameUse::kData);
    stats_.data_bytes += page_bytes(size);
  }
  notify_invalidate(p, va.align_down(page_bytes(size)), leaf.level);
  write(leaf.entry, make_leaf(vma, frame, true).set_dirty(true));
  invalidate_pages(p, {va.align_down(page_bytes(size))});
}

}  // namespace memvirt
