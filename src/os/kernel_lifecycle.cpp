// fork and exit: whole address spaces copied and torn down.
#include <fmt/format.h>

#include "os/kernel.hpp"

namespace memvirt {

void Kernel::fork(uint32_t parent, uint32_t child) {
  Process& p = proc(parent);
  create_process(child);
  Process& c = proc(child);
  c.vmas = p.vmas;
  for (const auto& [start, vma] : c.vmas)
    if (vma.shm) ++shared_objects_.at(vma.shm).vmas;
  bool parent_changed = false;
  for_each_leaf(p, GuestVirt(0), GuestVirt(user_space_end(config_.levels)),
                [&](const Leaf& leaf, GuestVirt va) {
                  Pte pte = leaf.pte;
                  // Private writable memory becomes copy-on-write; shared memory stays shared.
                  if (pte.writable() && !find_vma(p, va)->shm) {
                    pte.set_writable(false);
                    notify_invalidate(p, va, leaf.level);
                    write(leaf.entry, pte);
                    parent_changed = true;
                  }
                  write(ensure_entry(c, va, leaf.level), pte);
                  add_ref(GuestPhys(pte.frame()));
                });
  if (parent_changed) invalidate_all(p);
  port_.commit();
}

void Kernel::teardown(Process& p) {
  const GuestVirt end(user_space_end(config_.levels));
  for_each_leaf(p, GuestVirt(0), end, [&](const Leaf& leaf, GuestVirt va) {
    notify_invalidate(p, va, leaf.level);
    unmap_leaf(leaf);
  });
  prune_tables(p, GuestVirt(0), end);
  for (const auto& [start, vma] : p.vmas) drop_vma(vma);
  p.vmas.clear();
  invalidate_all(p);
  free_table(p.root, config_.levels);
}

void Kernel::exec(uint32_t pid) {
  Process& p = proc(pid);
  const bool current = is_current(p);
  teardown(p);
  p.root = allocate_table(config_.levels);
  stop_running(pid);  // its other threads are gone
  if (current) switch_to(pid);
  port_.commit();
}

void Kernel::exit(uint32_t pid) {
  Process& p = proc(pid);
  teardown(p);
  stop_running(pid);
  procs_.erase(pid);
  port_.commit();
}

}  // namespace memvirt
