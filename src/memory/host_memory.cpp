#include "memory/host_memory.hpp"

#include <algorithm>
#include <cassert>

namespace memvirt {

HostMemory::HostMemory(HostMemoryConfig config) : allocator_("host-physical", config.bytes) {}

HostPhys HostMemory::allocate(PageSize size, FrameRole role) {
  const HostPhys frame = allocator_.allocate(size);
  role_bytes_[static_cast<size_t>(role)] += page_bytes(size);
  return frame;
}

void HostMemory::free(HostPhys frame, PageSize size, FrameRole role) {
  if (retiring_) return;
  assert(frame.aligned_to(page_bytes(size)));
  clear(frame, size);
  allocator_.free(frame, size);
  role_bytes_[static_cast<size_t>(role)] -= page_bytes(size);
}

void HostMemory::write(HostPhys entry, uint64_t value) {
  assert(entry.aligned_to(8));
  const uint64_t frame = entry.raw() >> 12;
  StoredPage* p = pages_.find(frame);
  if (!p) {
    if (value == 0) return;  // writing zero to unbacked memory changes nothing
    p = &pages_.get_or_add(frame);
  }
  p->words[(entry.raw() & 0xFFF) >> 3] = value;
}

std::vector<uint64_t> HostMemory::stored_in(uint64_t first, uint64_t count) const {
  std::vector<uint64_t> frames;
  // A huge frame holds few stored pages, if any: look at those rather than at every 4 KiB frame.
  if (count > pages_.size()) {
    pages_.for_each([&](uint64_t f, const StoredPage&) {
      if (f >= first && f < first + count) frames.push_back(f);
    });
    return frames;
  }
  for (uint64_t f = first; f < first + count; ++f)
    if (pages_.find(f)) frames.push_back(f);
  return frames;
}

void HostMemory::clear(HostPhys frame, PageSize size) {
  if (retiring_) return;
  for (uint64_t f : stored_in(frame.raw() >> 12, page_bytes(size) >> 12)) pages_.erase(f);
}

void HostMemory::copy(HostPhys from, HostPhys to, PageSize size) {
  clear(to, size);
  const uint64_t first = from.raw() >> 12;
  // Only frames that hold bytes are visited, so a 1 GiB page of data costs nothing.
  for (uint64_t f : stored_in(first, page_bytes(size) >> 12)) {
    // Pages stay where they are while others are added, and `to` does not overlap `from`.
    const StoredPage& src = *pages_.find(f);
    const bool zero = std::all_of(src.words.begin(), src.words.end(), [](uint64_t w) { return w == 0; });
    if (!zero) pages_.get_or_add((to.raw() >> 12) + (f - first)) = src;
  }
}

}  // namespace memvirt
