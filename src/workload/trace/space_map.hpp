#pragma once
// What one replayed address space has mapped, as the trace workload told the kernel: spans of
// [start, end) with their protection and page size. The workload asks it before each kernel
// event so that every event it emits is one the kernel accepts (no overlapping mmap, no
// mprotect of a hole, no cut through a large page).
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "arch/page_size.hpp"

namespace memvirt {

struct Span {
  uint64_t start = 0;
  uint64_t end = 0;
  uint8_t prot = 0;
  PageSize page = PageSize::k4K;
};

class SpaceMap {
 public:
  bool covers(uint64_t va) const;
  bool overlaps(uint64_t start, uint64_t end) const;
  // The span holding `va`, if any.
  const Span* find(uint64_t va) const;
  // [start, end) must not overlap a span.
  void add(const Span& span);
  // Unmaps [start, end); its ends must not cut a page of a span (see round_out).
  void remove(uint64_t start, uint64_t end);
  // Gives [start, end) the protection `prot` where it is mapped.
  void protect(uint64_t start, uint64_t end, uint8_t prot);
  // [start, end) widened so that neither end falls inside a page of a span (a 2 MiB page of a
  // mapping is cut whole or not at all).
  std::pair<uint64_t, uint64_t> round_out(uint64_t start, uint64_t end) const;
  // The mapped pieces of [start, end), each clipped to it, in address order.
  std::vector<Span> pieces(uint64_t start, uint64_t end) const;
  // The unmapped pieces of [start, end), in address order.
  std::vector<std::pair<uint64_t, uint64_t>> gaps(uint64_t start, uint64_t end) const;
  void clear() { spans_.clear(); }

 private:
  void split(uint64_t at);

  std::map<uint64_t, Span> spans_;  // by start
};

}  // namespace memvirt
