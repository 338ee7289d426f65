// fork and exit: whole address spaces copied and torn down.
#include <fmt/format.h>

#include "os/kernel.hpp"

namespace memvirt {

void Kernel::fork(uint32_t parent, uint32_t child) {
  Process& p = proc(parent);
  create_process(child);
  Process& c = proc(child);
  c.vmas = p.vmas;
  bool parent_changed = false;
  for_each_leaf(p, GuestVirt(0), GuestVirt(user_space_end(config_.levels)),
                [&](const Leaf& leaf, GuestVirt va) {
                  Pte pte = leaf.pte;
                  if (pte.writable()) {  // private writable memory becomes copy-on-write
                    pte.set_writable(false);
                    write(leaf.entry, pte);
                    parent_changed = true;
                  }
                  write(ensure_entry(c, va, leaf.level), pte);
                  auto [it, fresh] = shared_frames_.try_emplace(pte.frame(), 1u);
                  ++it->second;
                });
  if (parent_changed && is_current(p)) port_.flush_tlb();
}

void Kernel::exit(uint32_t pid) {
  Process& p = proc(pid);
  const GuestVirt end(user_space_end(config_.levels));
  for_each_leaf(p, GuestVirt(0), end, [&](const Leaf& leaf, GuestVirt) { unmap_leaf(leaf); });
  prune_tables(p, GuestVirt(0), end);
  if (is_current(p)) {
    port_.flush_tlb();
    running_ = false;
  }
  free_table(p.root, config_.levels);
  procs_.erase(pid);
}

}  // namespace memvirt
