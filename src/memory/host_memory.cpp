#include "memory/host_memory.hpp"

#include <cassert>

namespace memvirt {

HostMemory::HostMemory(HostMemoryConfig config) : allocator_("host-physical", config.bytes) {}

HostPhys HostMemory::allocate(PageSize size, FrameRole role) {
  const HostPhys frame = allocator_.allocate(size);
  role_bytes_[static_cast<size_t>(role)] += page_bytes(size);
  return frame;
}

void HostMemory::free(HostPhys frame, PageSize size, FrameRole role) {
  assert(frame.aligned_to(page_bytes(size)));
  clear(frame, size);
  allocator_.free(frame, size);
  role_bytes_[static_cast<size_t>(role)] -= page_bytes(size);
}

void HostMemory::write(HostPhys entry, uint64_t value) {
  assert(entry.aligned_to(8));
  const uint64_t fn = entry.raw() >> 12;
  const uint64_t c = fn >> 9;
  if (c >= chunks_.size()) {
    if (value == 0) return;  // writing zero to unbacked memory changes nothing
    chunks_.resize(c + 1);
  }
  auto& chunk = chunks_[c];
  if (!chunk) {
    if (value == 0) return;
    chunk = std::make_unique<Chunk>();
  }
  auto& p = chunk->pages[fn & 511];
  if (!p) {
    if (value == 0) return;
    p = std::make_unique<Page>();
    ++stored_frames_;
  }
  p->words[(entry.raw() & 0xFFF) >> 3] = value;
}

void HostMemory::clear(HostPhys frame, PageSize size) {
  const uint64_t first = frame.raw() >> 12;
  const uint64_t count = page_bytes(size) >> 12;
  for (uint64_t c = first >> 9; c <= (first + count - 1) >> 9 && c < chunks_.size(); ++c) {
    if (!chunks_[c]) continue;
    for (auto& p : chunks_[c]->pages) {
      const uint64_t fn = (c << 9) + static_cast<uint64_t>(&p - chunks_[c]->pages.data());
      if (p && fn >= first && fn < first + count) {
        p.reset();
        --stored_frames_;
      }
    }
  }
}

void HostMemory::copy(HostPhys from, HostPhys to, PageSize size) {
  clear(to, size);
  const uint64_t first = from.raw() >> 12;
  const uint64_t count = page_bytes(size) >> 12;
  // Only frames that hold bytes are visited, so a 1 GiB page of data costs nothing.
  for (uint64_t c = first >> 9; c <= (first + count - 1) >> 9 && c < chunks_.size(); ++c) {
    if (!chunks_[c]) continue;
    for (uint64_t i = 0; i < kEntriesPerTable; ++i) {
      const uint64_t fn = (c << 9) + i;
      const Page* p = chunks_[c]->pages[i].get();
      if (!p || fn < first || fn >= first + count) continue;
      const HostPhys dst = to + ((fn - first) << 12);
      for (unsigned w = 0; w < kEntriesPerTable; ++w) write(dst + w * 8u, p->words[w]);
    }
  }
}

}  // namespace memvirt
