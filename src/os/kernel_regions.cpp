// mmap, munmap and mprotect: changes to the VMA list and the page tables behind it.
#include <fmt/format.h>

#include "os/kernel.hpp"

namespace memvirt {

void Kernel::check_range(const Process& p, GuestVirt start, uint64_t length, const char* op) const {
  const uint64_t limit = user_space_end(config_.levels);
  if (length == 0 || !start.aligned_to(kTableBytes) || length % kTableBytes != 0)
    throw KernelError(fmt::format("{} of pid {}: range {:#x}+{:#x} is empty or not 4 KiB aligned",
                                  op, p.pid, start.raw(), length));
  if (start.raw() >= limit || length > limit - start.raw())
    throw KernelError(fmt::format("{} of pid {}: range {:#x}+{:#x} leaves the {}-level user space",
                                  op, p.pid, start.raw(), length, config_.levels));
}

void Kernel::split_at(Process& p, GuestVirt at) {
  auto it = p.vmas.upper_bound(at.raw());
  if (it == p.vmas.begin()) return;
  --it;
  Vma& v = it->second;
  if (!v.contains(at) || v.start == at) return;
  if (!at.aligned_to(page_bytes(v.page)))
    throw KernelError(fmt::format("pid {}: address {:#x} splits a {} page", p.pid, at.raw(),
                                  page_size_name(v.page)));
  Vma upper = v;
  upper.start = at;
  v.end = at;
  p.vmas.emplace(at.raw(), upper);
  if (upper.shm) ++shared_objects_.at(upper.shm).vmas;
}

void Kernel::mmap(uint32_t pid, GuestVirt start, uint64_t length, uint8_t prot, PageSize page,
                  uint32_t shm) {
  Process& p = proc(pid);
  check_range(p, start, length, "mmap");
  if (!start.aligned_to(page_bytes(page)) || length % page_bytes(page) != 0)
    throw KernelError(fmt::format("mmap of pid {}: range {:#x}+{:#x} is not aligned to {} pages",
                                  pid, start.raw(), length, page_size_name(page)));
  const GuestVirt end = start + length;
  auto next = p.vmas.lower_bound(start.raw());
  const bool overlaps_next = next != p.vmas.end() && next->second.start < end;
  const bool overlaps_prev = next != p.vmas.begin() && std::prev(next)->second.end > start;
  if (overlaps_next || overlaps_prev)
    throw KernelError(fmt::format("mmap of pid {}: range {:#x}+{:#x} overlaps a mapping", pid,
                                  start.raw(), length));
  if (shm) {
    auto [it, fresh] = shared_objects_.try_emplace(shm);
    if (!fresh && it->second.page != page)
      throw KernelError(fmt::format("mmap of pid {}: shared region {} uses {} pages, not {}", pid,
                                    shm, page_size_name(it->second.page), page_size_name(page)));
    it->second.page = page;
    ++it->second.vmas;
  }
  p.vmas.emplace(start.raw(), Vma{start, end, prot, page, shm, start});
}

void Kernel::drop_vma(const Vma& vma) {
  if (!vma.shm) return;
  auto it = shared_objects_.find(vma.shm);
  if (--it->second.vmas != 0) return;
  for (const auto& [index, frame] : it->second.frames) release_frame(frame, it->second.page);
  shared_objects_.erase(it);
}

void Kernel::munmap(uint32_t pid, GuestVirt start, uint64_t length) {
  Process& p = proc(pid);
  check_range(p, start, length, "munmap");
  const GuestVirt end = start + length;
  split_at(p, start);
  split_at(p, end);
  std::vector<GuestVirt> pages;
  for_each_leaf(p, start, end, [&](const Leaf& leaf, GuestVirt va) {
    notify_invalidate(p, va, leaf.level);
    unmap_leaf(leaf);
    pages.push_back(va);
  });
  invalidate_pages(p, pages);
  prune_tables(p, start, end);
  for (auto it = p.vmas.lower_bound(start.raw()); it != p.vmas.end() && it->second.start < end;) {
    drop_vma(it->second);
    it = p.vmas.erase(it);
  }
  port_.commit();
}

void Kernel::mprotect(uint32_t pid, GuestVirt start, uint64_t length, uint8_t prot) {
  Process& p = proc(pid);
  check_range(p, start, length, "mprotect");
  const GuestVirt end = start + length;
  for (GuestVirt va = start; va < end;) {
    const Vma* v = find_vma(p, va);
    if (!v)
      throw KernelError(fmt::format("mprotect of pid {}: {:#x} is not mapped", pid, va.raw()));
    va = v->end;
  }
  split_at(p, start);
  split_at(p, end);
  for (auto it = p.vmas.lower_bound(start.raw()); it != p.vmas.end() && it->second.start < end;
       ++it)
    it->second.prot = prot;
  std::vector<GuestVirt> pages;
  for_each_leaf(p, start, end, [&](const Leaf& leaf, GuestVirt va) {
    const Vma& vma = *find_vma(p, va);
    const GuestPhys frame(leaf.pte.frame());
    // A private frame still shared after fork stays read-only until its copy-on-write fault.
    const bool writable = vma.writable() && (vma.shm || !shared_frames_.count(frame.raw()));
    Pte pte = make_leaf(vma, frame, writable).set_dirty(leaf.pte.dirty());
    if (pte == leaf.pte) return;
    notify_invalidate(p, va, leaf.level);
    write(leaf.entry, pte);
    pages.push_back(va);
  });
  invalidate_pages(p, pages);
  port_.commit();
}

void Kernel::unmap_leaf(const Leaf& leaf) {
  write(leaf.entry, Pte());
  release_frame(GuestPhys(leaf.pte.frame()), page_size_at_level(leaf.level));
}

void Kernel::release_frame(GuestPhys frame, PageSize size) {
  auto it = shared_frames_.find(frame.raw());
  if (it != shared_frames_.end()) {
    if (--it->second == 1) shared_frames_.erase(it);
    return;
  }
  frames_.free(frame, size, FrameUse::kData);
  stats_.data_bytes -= page_bytes(size);
}

void Kernel::prune_tables(Process& p, GuestVirt start, GuestVirt end) {
  // Post-order: a table is freed once the tables below it are, and level-1 tables hold only
  // leaves, so they are never read.
  tables(p).visit(
      start.raw(), end.raw(), [](const auto&, uint64_t) {},
      [&](const auto& e, uint64_t) {
        if (table_use_.count(e.child().raw())) return;
        write(e.at, Pte());
        free_table(e.child(), e.level - 1);
      },
      2);
}

}  // namespace memvirt
