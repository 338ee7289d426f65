#pragma once
// Host physical memory. Frames are allocated by role; only frames that something writes (page
// tables) hold bytes, stored as real 512 x 64-bit pages; data frames hold none, so a
// working set of many GiB costs only its page tables.
#include <array>
#include <cstdint>
#include <vector>

#include "arch/address.hpp"
#include "arch/page_size.hpp"
#include "memory/frame_allocator.hpp"
#include "memory/frame_role.hpp"
#include "memory/page_map.hpp"

namespace memvirt {

struct HostMemoryConfig {
  uint64_t bytes = uint64_t{1} << 40;  // 1 TiB of host-physical address space
};

class HostMemory {
 public:
  explicit HostMemory(HostMemoryConfig config = {});

  HostPhys allocate(PageSize size, FrameRole role);
  // Frees the frame and forgets its bytes, so a reused frame reads as zeros.
  void free(HostPhys frame, PageSize size, FrameRole role);

  // The machine is going away with this memory: from now on free() and clear() do nothing, so
  // that the components' destructors, which hand their frames back, never allocate (a free list
  // grows) or throw, even when the run ended because memory ran out.
  void retire() { retiring_ = true; }
  bool retiring() const { return retiring_; }

  // 8-byte entry access; `entry` must be 8-byte aligned. Unwritten memory reads as zero.
  uint64_t read(HostPhys entry) const {
    const StoredPage* p = pages_.find(entry.raw() >> 12);
    return p ? p->words[(entry.raw() & 0xFFF) >> 3] : 0;
  }
  void write(HostPhys entry, uint64_t value);

  // Drops the bytes of every 4 KiB frame in [frame, frame + size).
  void clear(HostPhys frame, PageSize size);
  // Copies the stored bytes of [from, from + size) to `to` (page migration).
  void copy(HostPhys from, HostPhys to, PageSize size);

  uint64_t bytes_in_use(FrameRole role) const { return role_bytes_[static_cast<size_t>(role)]; }
  uint64_t bytes_in_use() const { return allocator_.bytes_in_use(); }
  // Frames that hold bytes: what the simulator itself spends on this memory.
  uint64_t stored_frames() const { return pages_.size(); }
  uint64_t capacity() const { return allocator_.capacity(); }

 private:
  // The stored frames among the `count` from `first` (frame numbers), in no particular order.
  std::vector<uint64_t> stored_in(uint64_t first, uint64_t count) const;

  FrameAllocator<HostPhys> allocator_;
  PageMap pages_;
  std::array<uint64_t, kFrameRoleCount> role_bytes_{};
  bool retiring_ = false;
};

}  // namespace memvirt
