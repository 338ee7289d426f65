#include "os/kernel.hpp"

#include <cassert>
#include <string>

#include <fmt/format.h>

#include "arch/paging.hpp"

namespace memvirt {
namespace {

// Above this many pages a range change flushes the whole TLB instead of one INVLPG per page
// (Linux's tlb_single_page_flush_ceiling).
constexpr uint64_t kSinglePageFlushCeiling = 33;

}  // namespace

Kernel::Kernel(KernelConfig config, PagingPort& port, FrameSource* frames)
    : config_(config),
      port_(port),
      own_frames_(frames ? nullptr : std::make_unique<OwnFrames>(config.physical_bytes)),
      frames_(frames ? *frames : *own_frames_) {
  if (!valid_levels(config.levels))
    throw KernelError("paging levels must be 4 or 5, not " + std::to_string(config.levels));
  if (config.cpus < 1 || config.cpus > 64)
    throw KernelError(fmt::format("CPUs must be 1 to 64, not {}", config.cpus));
  running_on_.resize(static_cast<size_t>(config.cpus));
}

void Kernel::on_cpu(int cpu) {
  if (cpu < 0 || cpu >= config_.cpus)
    throw KernelError(fmt::format("no CPU {} (the guest has {})", cpu, config_.cpus));
  cpu_ = cpu;
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
  Process& p = proc(pid);
  port_.write_cr3(cpu_, p.root, p.pcid);
  running_on_[static_cast<size_t>(cpu_)] = pid;
  p.ran_on |= uint64_t{1} << cpu_;
}

void Kernel::stop_running(uint32_t pid) {
  for (auto& running : running_on_)
    if (running == pid) running.reset();
}

template <typename Flush>
void Kernel::shootdown(Process& p, Flush&& flush_running) {
  for (int cpu = 0; cpu < config_.cpus; ++cpu) {
    const bool running = running_on_[static_cast<size_t>(cpu)] == p.pid;
    const uint64_t bit = uint64_t{1} << cpu;
    if (!running && !(config_.pcid && (p.ran_on & bit))) continue;
    if (cpu != cpu_) {
      port_.send_ipi(cpu_, cpu);
      ++stats_.shootdown_ipis;
    }
    if (running) {
      flush_running(cpu);
    } else {  // p ran there earlier and its PCID-tagged entries may remain
      port_.invpcid(cpu, p.pcid);
      p.ran_on &= ~bit;
    }
  }
}

void Kernel::invalidate_pages(Process& p, const std::vector<GuestVirt>& pages) {
  if (pages.empty()) return;
  if (pages.size() > kSinglePageFlushCeiling) return invalidate_all(p);
  shootdown(p, [&](int cpu) {
    for (GuestVirt va : pages) port_.invlpg(cpu, va);
  });
}

void Kernel::invalidate_all(Process& p) {
  shootdown(p, [&](int cpu) { port_.flush_tlb(cpu); });
}

GuestPhys Kernel::allocate_table(int level) {
  const GuestPhys t = frames_.allocate(PageSize::k4K, FrameUse::kPageTable);
  port_.table_allocated(t, level);
  if (++stats_.table_pages > stats_.peak_table_pages) stats_.peak_table_pages = stats_.table_pages;
  return t;
}

void Kernel::free_table(GuestPhys table, int level) {
  assert(table_use_.count(table.raw()) == 0);
  port_.table_freed(table, level);
  frames_.free(table, PageSize::k4K, FrameUse::kPageTable);
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
  return tables(p).ensure(va.raw(), level, [&](const auto& e) {
    assert(!e.present());
    const GuestPhys t = allocate_table(e.level - 1);
    write(e.at, Pte().set_present(true).set_writable(true).set_user(true).set_accessed(true)
                    .set_frame(t.raw()));
    return t;
  });
}

bool Kernel::find_leaf(const Process& p, GuestVirt va, Leaf& out) {
  const auto e = tables(p).descend(va.raw());
  if (!e.present()) return false;
  out = Leaf{e.at, e.value, e.level};
  return true;
}

std::optional<GuestMapping> Kernel::lookup(uint32_t pid, GuestVirt va) {
  Permissions acc{true, true, true};
  const auto e = tables(proc(pid)).descend(va.raw(), 1, [&](const auto& seen) {
    acc.writable &= seen.value.writable();
    acc.user &= seen.value.user();
    acc.executable &= !seen.value.no_execute();
  });
  if (!e.present()) return std::nullopt;
  const PageSize size = page_size_at_level(e.level);
  const uint64_t mask = page_bytes(size) - 1;
  return GuestMapping{GuestPhys((e.value.frame() & ~mask) | (va.raw() & mask)), size, acc};
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
