#pragma once
// Where a kernel's physical frames come from. A guest kernel owns its guest-physical address
// space outright; a host kernel (KVM's model) shares host-physical memory with everything else
// the machine allocates there, so it takes its frames from the one host allocator instead.
#include <cstdint>
#include <string>

#include "arch/address.hpp"
#include "arch/page_size.hpp"
#include "memory/frame_allocator.hpp"

namespace memvirt {

enum class FrameUse : uint8_t { kPageTable, kData };

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  virtual GuestPhys allocate(PageSize size, FrameUse use) = 0;
  virtual void free(GuestPhys frame, PageSize size, FrameUse use) = 0;
  // Copies a frame's contents (page migration).
  virtual void copy(GuestPhys from, GuestPhys to, PageSize size) = 0;
};

// A kernel's own physical memory, [0, bytes).
class OwnFrames final : public FrameSource {
 public:
  explicit OwnFrames(uint64_t bytes) : frames_("guest-physical", bytes) {}

  GuestPhys allocate(PageSize size, FrameUse) override { return frames_.allocate(size); }
  void free(GuestPhys frame, PageSize size, FrameUse) override { frames_.free(frame, size); }
  // A guest's data frames hold no bytes in the simulator: there is nothing to copy.
  void copy(GuestPhys, GuestPhys, PageSize) override {}

 private:
  FrameAllocator<GuestPhys> frames_;
};

}  // namespace memvirt
