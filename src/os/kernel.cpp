#include "os/kernel.hpp"

#include <cassert>
#include <string>

#include <fmt/format.h>

#include "arch/paging.hpp"

namespace memvirt {

Kernel::Kernel(KernelConfig config, PagingPort& port)
    : config_(config), port_(port), frames_("guest-physical", config.physical_bytes) {
  if (!valid_levels(config.levels))
    throw KernelError("paging levels must be 4 or 5, not " + std::to_string(config.levels));
}

Process& Kernel::proc(uint32_t pid) {
  auto it = procs_.find(pid);
  if (it == procs_.end()) throw KernelError(fmt::format("no process with pid {}", pid));
  return it->second;
}

const Process& Kernel::process(uint32_t pid) const {
  return const_cast<Kernel*>(this)->proc(pid);
}

void Kernel::create_process(uint32_t pid) {
  if (procs_.count(pid)) throw KernelError(fmt::format("process {} already exists", pid));
  Process p;
  p.pid = pid;
  p.pcid = static_cast<uint16_t>(pid % 4095 + 1);
  p.root = allocate_table(config_.levels);
  procs_.emplace(pid, std::move(p));
}

void Kernel::switch_to(uint32_t pid) {
  const Process& p = proc(pid);
  port_.write_cr3(p.root, p.pcid);
  current_ = pid;
  running_ = true;
}

GuestPhys Kernel::allocate_table(int level) {
  const GuestPhys t = frames_.allocate(PageSize::k4K);
  port_.table_allocated(t, level);
  if (++stats_.table_pages > stats_.peak_table_pages) stats_.peak_table_pages = stats_.table_pages;
  return t;
}

void Kernel::free_table(GuestPhys table, int level) {
  assert(table_use_.count(table.raw()) == 0);
  port_.table_freed(table, level);
  frames_.free(table, PageSize::k4K);
  --stats_.table_pages;
}

void Kernel::write(GuestPhys entry, Pte value) {
  const Pte old = port_.read_entry(entry);
  if (old.present() != value.present()) {
    const uint64_t table = entry.align_down(kTableBytes).raw();
    if (value.present()) {
      ++table_use_[table];
    } else if (--table_use_[table] == 0) {
      table_use_.erase(table);
    }
  }
  port_.write_entry(entry, value);
  ++stats_.pte_writes;
}

GuestPhys Kernel::ensure_entry(const Process& p, GuestVirt va, int level) {
  GuestPhys table = p.root;
  for (int l = config_.levels; l > level; --l) {
    const GuestPhys e = table + table_index(va.raw(), l) * 8u;
    const Pte pte = port_.read_entry(e);
    if (pte.present()) {
      assert(!pte_is_leaf(pte, l));
      table = GuestPhys(pte.frame());
      continue;
    }
    const GuestPhys t = allocate_table(l - 1);
    write(e, Pte().set_present(true).set_writable(true).set_user(true).set_accessed(true).set_frame(
                 t.raw()));
    table = t;
  }
  return table + table_index(va.raw(), level) * 8u;
}

bool Kernel::find_leaf(const Process& p, GuestVirt va, Leaf& out) {
  GuestPhys table = p.root;
  for (int l = config_.levels; l >= 1; --l) {
    const GuestPhys e = table + table_index(va.raw(), l) * 8u;
    const Pte pte = port_.read_entry(e);
    if (!pte.present()) return false;
    if (pte_is_leaf(pte, l)) {
      out = Leaf{e, pte, l};
      return true;
    }
    table = GuestPhys(pte.frame());
  }
  return false;
}

std::optional<GuestMapping> Kernel::lookup(uint32_t pid, GuestVirt va) {
  const Process& p = proc(pid);
  GuestPhys table = p.root;
  Permissions acc{true, true, true};
  for (int l = config_.levels; l >= 1; --l) {
    const Pte pte = port_.read_entry(table + table_index(va.raw(), l) * 8u);
    if (!pte.present()) return std::nullopt;
    acc.writable &= pte.writable();
    acc.user &= pte.user();
    acc.executable &= !pte.no_execute();
    if (pte_is_leaf(pte, l)) {
      const PageSize size = page_size_at_level(l);
      const uint64_t mask = page_bytes(size) - 1;
      return GuestMapping{GuestPhys((pte.frame() & ~mask) | (va.raw() & mask)), size, acc};
    }
    table = GuestPhys(pte.frame());
  }
  return std::nullopt;
}

Pte Kernel::make_leaf(const Vma& vma, GuestPhys frame, bool writable) const {
  // PROT_NONE keeps the page but makes it supervisor-only, so every user access faults.
  return Pte()
      .set_present(true)
      .set_writable(writable)
      .set_user(vma.prot != kProtNone)
      .set_no_execute(!vma.executable())
      .set_large(vma.page != PageSize::k4K)
      .set_accessed(true)
      .set_frame(frame.raw());
}

const Vma* Kernel::find_vma(const Process& p, GuestVirt va) const {
  auto it = p.vmas.upper_bound(va.raw());
  if (it == p.vmas.begin()) return nullptr;
  --it;
  return it->second.contains(va) ? &it->second : nullptr;
}

}  // namespace memvirt
