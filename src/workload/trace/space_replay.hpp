#pragma once
// Turns a trace's processes and address-space events into the kernel's events, so that the
// page-table updates of replay happen where the program made them: mmap, munmap and mprotect
// as themselves, brk, mremap and madvise(MADV_DONTNEED) as munmap and mmap, fork and exec and
// exit as themselves, threads as sharing their process. Memory the trace never mapped
// (the initial stack, images the loader mapped before recording, the vDSO) is mapped on its
// first access, its 2 MiB (1 GiB) aligned region at a time, as in a trace without events.
// docs/trace-format.md ("Replaying events") has every rule.
#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "arch/page_size.hpp"
#include "workload/event.hpp"
#include "workload/trace/space_event.hpp"
#include "workload/trace/space_map.hpp"

namespace memvirt {

class SpaceReplay {
 public:
  // `page`: the run's page size; `region_bytes`: what one first access maps.
  SpaceReplay(PageSize page, uint64_t region_bytes);

  // The process (thread group) `pid` belongs to; a pid never seen is created by a fork of
  // pid 0 (inheriting what 0 has mapped), appended to `out`.
  uint32_t process_of(uint32_t pid, std::vector<Event>& out);
  // Maps what an access of `process` at `va` needs, appending the mmaps to `out`. True when the
  // whole region of `va` is mapped, so the caller may skip this for further accesses to it
  // until the next event.
  bool prepare_access(uint32_t process, uint64_t va, std::vector<Event>& out);
  // The kernel events of one trace event, appended to `out`.
  void apply(const SpaceEvent& e, std::vector<Event>& out);

 private:
  struct Space {
    SpaceMap map;
    std::unordered_set<uint64_t> full_regions;  // mapped whole by first accesses
  };

  void map_range(uint32_t pid, uint64_t start, uint64_t end, uint8_t prot, PageSize page,
                 std::vector<Event>& out);
  void unmap_range(uint32_t pid, uint64_t start, uint64_t end, std::vector<Event>& out);
  void split_cut_pages(uint32_t pid, uint64_t start, uint64_t end, std::vector<Event>& out);
  void protect_range(uint32_t pid, uint64_t start, uint64_t end, uint8_t prot,
                     std::vector<Event>& out);
  void discard_range(uint32_t pid, uint64_t start, uint64_t end, std::vector<Event>& out);
  void mmap(uint32_t pid, const SpaceEvent& e, std::vector<Event>& out);
  void mremap(uint32_t pid, const SpaceEvent& e, std::vector<Event>& out);
  void brk(uint32_t pid, const SpaceEvent& e, std::vector<Event>& out);
  void fork(uint32_t parent, uint32_t child, std::vector<Event>& out);
  void exit(uint32_t pid, uint32_t thread, std::vector<Event>& out);
  void end_process(uint32_t pid, std::vector<Event>& out);
  // The run's page size where [start, end) is aligned to it, else 4 KiB.
  PageSize page_for(uint64_t start, uint64_t end) const;
  void forget_regions(Space& s, uint64_t start, uint64_t end) const;

  PageSize page_;
  uint64_t region_bytes_;
  std::unordered_map<uint32_t, Space> spaces_;     // by process
  std::unordered_map<uint32_t, uint32_t> threads_;  // thread id -> its process
};

}  // namespace memvirt
