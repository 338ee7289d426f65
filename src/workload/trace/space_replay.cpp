#include "workload/trace/space_replay.hpp"

#include <algorithm>

#include "workload/process_events.hpp"
#include "workload/trace/trace_workload.hpp"

namespace memvirt {
namespace {

// Linux's values (the recorder copies them from the system call as they are).
constexpr uint32_t kMapHugetlb = 0x40000;
constexpr uint32_t kMapType = 0x03, kMapPrivate = 0x02, kMapAnonymous = 0x20;
constexpr unsigned kMapHugeShift = 26;  // log2 of the huge page size in bits 26-31, 0: default
constexpr uint32_t kMadvDontneed = 4;
constexpr uint64_t k4K = 4096;

uint8_t kernel_prot(uint32_t prot) { return static_cast<uint8_t>(prot & 7); }  // PROT_* bits

// [addr, addr + length) rounded out to 4 KiB pages, as Linux does, and cut at the end of the
// replayed user space (kTraceUserEnd: accesses beyond it are skipped too); empty if nothing is
// left.
std::pair<uint64_t, uint64_t> page_range(uint64_t addr, uint64_t length) {
  const uint64_t start = std::min(addr & ~(k4K - 1), kTraceUserEnd);
  const uint64_t last = addr + length < addr ? kTraceUserEnd : addr + length;
  const uint64_t end = std::min((last + k4K - 1) & ~(k4K - 1), kTraceUserEnd);
  return {start, std::max(start, end)};
}

PageSize hugetlb_page(uint32_t flags) {
  return (flags >> kMapHugeShift) == 30 ? PageSize::k1G : PageSize::k2M;
}

Event ranged(EventKind kind, uint32_t pid, uint64_t start, uint64_t end) {
  Event e = make_munmap(pid, start, end - start);
  e.kind = kind;
  return e;
}

}  // namespace

SpaceReplay::SpaceReplay(PageSize page, uint64_t region_bytes)
    : page_(page), region_bytes_(region_bytes) {
  spaces_[0];  // pid 0 runs from the start
}

PageSize SpaceReplay::page_for(uint64_t start, uint64_t end) const {
  const uint64_t bytes = page_bytes(page_);
  return start % bytes == 0 && end % bytes == 0 ? page_ : PageSize::k4K;
}

void SpaceReplay::forget_regions(Space& s, uint64_t start, uint64_t end) const {
  for (uint64_t r = start / region_bytes_; r <= (end - 1) / region_bytes_; ++r)
    s.full_regions.erase(r);
}

uint32_t SpaceReplay::process_of(uint32_t pid, std::vector<Event>& out) {
  if (auto t = threads_.find(pid); t != threads_.end()) return t->second;
  if (!spaces_.contains(pid)) {
    spaces_[pid] = spaces_.at(0);  // the child of a fork inherits pid 0's mappings
    out.push_back(make_fork(0, pid));
  }
  return pid;
}

bool SpaceReplay::prepare_access(uint32_t process, uint64_t va, std::vector<Event>& out) {
  Space& s = spaces_.at(process);
  const uint64_t region = va / region_bytes_;
  if (s.full_regions.contains(region)) return true;
  if (s.map.covers(va)) return false;  // mapped by the program; the rest of its region may not be
  const uint64_t start = region * region_bytes_;
  for (const auto& [gap_start, gap_end] : s.map.gaps(start, start + region_bytes_)) {
    const PageSize page = page_for(gap_start, gap_end);
    Event map = make_mmap(process, gap_start, gap_end - gap_start, page);
    map.prot |= kProtExec;  // code and data may share a region
    s.map.add({gap_start, gap_end, map.prot, page});
    out.push_back(map);
  }
  s.full_regions.insert(region);
  return true;
}

// Like mmap(MAP_FIXED): whatever was mapped there goes first.
void SpaceReplay::map_range(uint32_t pid, uint64_t start, uint64_t end, uint8_t prot,
                            PageSize page, std::vector<Event>& out) {
  unmap_range(pid, start, end, out);
  Event map = make_mmap(pid, start, end - start, page);
  map.prot = prot;
  spaces_.at(pid).map.add({start, end, prot, page});
  out.push_back(map);
}

// Linux splits a large page that an munmap, mprotect or madvise cuts into 4 KiB pages and keeps
// the rest of it mapped. The kernel model has no split: the large page is unmapped and mapped
// again in 4 KiB pages with its protection (its pages then fault again when next touched).
void SpaceReplay::split_cut_pages(uint32_t pid, uint64_t start, uint64_t end,
                                  std::vector<Event>& out) {
  for (const uint64_t at : {start, end}) {
    const Span* span = spaces_.at(pid).map.find(at);
    if (span == nullptr || span->page == PageSize::k4K) continue;
    const uint64_t bytes = page_bytes(span->page);
    if (at % bytes == 0) continue;
    const uint64_t page_start = at - at % bytes;  // the large page: aligned, so not cut again
    map_range(pid, page_start, page_start + bytes, span->prot, PageSize::k4K, out);
  }
}

void SpaceReplay::unmap_range(uint32_t pid, uint64_t start, uint64_t end,
                              std::vector<Event>& out) {
  split_cut_pages(pid, start, end, out);
  Space& s = spaces_.at(pid);
  const auto [from, to] = s.map.round_out(start, end);
  if (!s.map.overlaps(from, to)) return;
  out.push_back(make_munmap(pid, from, to - from));
  s.map.remove(from, to);
  forget_regions(s, from, to);
}

// The kernel refuses mprotect of a hole, so each mapped piece gets its own; the holes stay
// unmapped (a later access maps them as memory the trace never mapped).
void SpaceReplay::protect_range(uint32_t pid, uint64_t start, uint64_t end, uint8_t prot,
                                std::vector<Event>& out) {
  split_cut_pages(pid, start, end, out);
  Space& s = spaces_.at(pid);
  const auto [from, to] = s.map.round_out(start, end);
  for (const Span& piece : s.map.pieces(from, to)) {
    const Event* last = out.empty() ? nullptr : &out.back();
    if (last && last->kind == EventKind::kMprotect && last->pid == pid && last->prot == prot &&
        last->addr.raw() + last->length == piece.start) {
      out.back().length += piece.end - piece.start;  // contiguous with the previous piece
      continue;
    }
    Event e = ranged(EventKind::kMprotect, pid, piece.start, piece.end);
    e.prot = prot;
    out.push_back(e);
  }
  s.map.protect(from, to, prot);
}

// MADV_DONTNEED drops the pages and leaves the mapping: the kernel has no such event, so each
// mapped piece is unmapped and mapped again as it was (its next touches fault as after
// DONTNEED; the munmap costs what zapping the range costs).
void SpaceReplay::discard_range(uint32_t pid, uint64_t start, uint64_t end,
                                std::vector<Event>& out) {
  split_cut_pages(pid, start, end, out);
  Space& s = spaces_.at(pid);
  const auto [from, to] = s.map.round_out(start, end);
  for (const Span& piece : s.map.pieces(from, to)) {
    out.push_back(make_munmap(pid, piece.start, piece.end - piece.start));
    Event map = make_mmap(pid, piece.start, piece.end - piece.start, piece.page);
    map.prot = piece.prot;
    out.push_back(map);
  }
}

// An anonymous private mapping, in a run of large pages, gets them where Linux's transparent
// huge pages would: on the aligned part within it, its unaligned ends in 4 KiB pages. Other
// mappings (files, shared memory) take the run's page size only when both ends are aligned.
void SpaceReplay::mmap(uint32_t pid, const SpaceEvent& e, std::vector<Event>& out) {
  auto [start, end] = page_range(e.addr, e.length);
  const uint8_t prot = kernel_prot(e.prot);
  if (e.flags & kMapHugetlb) {
    const PageSize page = hugetlb_page(e.flags);
    const uint64_t bytes = page_bytes(page);
    start -= start % bytes;
    end = std::min((end + bytes - 1) / bytes * bytes, kTraceUserEnd);
    if (start < end) map_range(pid, start, end, prot, page, out);
    return;
  }
  const uint64_t bytes = page_bytes(page_);
  const uint64_t middle_start = (start + bytes - 1) / bytes * bytes;
  const uint64_t middle_end = end / bytes * bytes;
  const bool anonymous = (e.flags & kMapAnonymous) && (e.flags & kMapType) == kMapPrivate;
  if (!anonymous || page_ == PageSize::k4K || middle_start >= middle_end) {
    if (start < end) map_range(pid, start, end, prot, page_for(start, end), out);
    return;
  }
  if (start < middle_start) map_range(pid, start, middle_start, prot, PageSize::k4K, out);
  map_range(pid, middle_start, middle_end, prot, page_, out);
  if (middle_end < end) map_range(pid, middle_end, end, prot, PageSize::k4K, out);
}

// Resizing in place maps or unmaps the tail; a move is an munmap of the old range and an mmap
// of the new one, so its pages fault again where Linux would move their entries.
void SpaceReplay::mremap(uint32_t pid, const SpaceEvent& e, std::vector<Event>& out) {
  const auto [old_start, old_end] = page_range(e.old_addr, e.old_length);
  const auto [start, end] = page_range(e.addr, e.length);
  const Span* was = spaces_.at(pid).map.find(old_start);
  const uint8_t prot = was ? was->prot : static_cast<uint8_t>(kProtRead | kProtWrite);
  const PageSize old_page = was ? was->page : page_;
  const uint64_t bytes = page_bytes(old_page);
  const PageSize page = start % bytes == 0 && end % bytes == 0 ? old_page : PageSize::k4K;
  if (start == old_start && end > old_end) {
    map_range(pid, old_end, end, prot, page_for(old_end, end), out);
    return;
  }
  if (start == old_start) {
    if (end < old_end) unmap_range(pid, end, old_end, out);
    return;
  }
  if (old_start < old_end) unmap_range(pid, old_start, old_end, out);
  if (start < end) map_range(pid, start, end, prot, page, out);
}

// The heap grows as an mmap of the pages between the old and the new break, and shrinks as an
// munmap of them.
void SpaceReplay::brk(uint32_t pid, const SpaceEvent& e, std::vector<Event>& out) {
  const uint64_t old_end = page_range(e.old_addr, 0).second;
  const uint64_t end = page_range(e.addr, 0).second;
  if (end > old_end)
    map_range(pid, old_end, end, kProtRead | kProtWrite, page_for(old_end, end), out);
  else if (end < old_end)
    unmap_range(pid, end, old_end, out);
}

void SpaceReplay::end_process(uint32_t pid, std::vector<Event>& out) {
  out.push_back(make_process_event(EventKind::kExit, pid));
  spaces_.erase(pid);
  std::erase_if(threads_, [pid](const auto& t) { return t.second == pid; });
}

void SpaceReplay::fork(uint32_t parent, uint32_t child, std::vector<Event>& out) {
  if (child == 0 || child == parent) return;  // pid 0 is the root every process forks from
  threads_.erase(child);
  if (spaces_.contains(child)) end_process(child, out);  // a pid reused after an unseen exit
  Space copy = spaces_.at(parent);
  spaces_[child] = std::move(copy);
  out.push_back(make_fork(parent, child));
}

// A thread's exit changes no address space; a process's ends it. Pid 0 stays, so that
// processes seen later can still be forked from it.
void SpaceReplay::exit(uint32_t pid, uint32_t thread, std::vector<Event>& out) {
  if (thread != 0 && thread != pid) {
    threads_.erase(thread);
    return;
  }
  if (pid != 0) end_process(pid, out);
}

void SpaceReplay::apply(const SpaceEvent& e, std::vector<Event>& out) {
  const uint32_t pid = process_of(e.pid, out);
  switch (e.kind) {
    case SpaceEventKind::kMmap:
      return mmap(pid, e, out);
    case SpaceEventKind::kMunmap: {
      const auto [start, end] = page_range(e.addr, e.length);
      if (start < end) unmap_range(pid, start, end, out);
      return;
    }
    case SpaceEventKind::kMprotect: {
      const auto [start, end] = page_range(e.addr, e.length);
      if (start < end) protect_range(pid, start, end, kernel_prot(e.prot), out);
      return;
    }
    case SpaceEventKind::kMremap:
      return mremap(pid, e, out);
    case SpaceEventKind::kBrk:
      return brk(pid, e, out);
    case SpaceEventKind::kMadvise: {
      const auto [start, end] = page_range(e.addr, e.length);
      if (e.flags == kMadvDontneed && start < end) discard_range(pid, start, end, out);
      return;  // other advice changes no page table
    }
    case SpaceEventKind::kFork:
      return fork(pid, e.child, out);
    case SpaceEventKind::kThread:
      if (e.child != 0 && e.child != pid) threads_[e.child] = pid;
      return;
    case SpaceEventKind::kExec:
      out.push_back(make_process_event(EventKind::kExec, pid));
      spaces_.at(pid) = Space{};
      std::erase_if(threads_, [pid](const auto& t) { return t.second == pid; });
      return;
    case SpaceEventKind::kExit:
      return exit(pid, e.child, out);
  }
}

}  // namespace memvirt
