#pragma once
// The stored pages of host memory, found by frame number. Only page-table frames hold bytes, a
// few thousand per GiB of simulated memory, while their frame numbers spread over all of it: an
// open-addressing table of (frame, page) pairs stays small enough for the host's caches, where a
// directory indexed by frame number costs a host miss of its own before the page's.
#include <array>
#include <cstdlib>
#include <cstdint>
#include <memory>
#include <vector>

#include "arch/page_size.hpp"
#include "memory/huge_page_allocator.hpp"

namespace memvirt {

struct StoredPage {
  std::array<uint64_t, kEntriesPerTable> words{};
};

class PageMap {
 public:
  PageMap() : slots_(kInitialSlots), shift_(64 - 10) {}

  // The page stored for `frame`, or nullptr.
  const StoredPage* find(uint64_t frame) const { return slots_[slot_of(frame)].page; }
  StoredPage* find(uint64_t frame) {
    return const_cast<StoredPage*>(static_cast<const PageMap&>(*this).find(frame));
  }
  // The page for `frame`, zeroed and stored if there was none.
  StoredPage& get_or_add(uint64_t frame);
  // Forgets `frame`'s page (if any); returns whether there was one.
  bool erase(uint64_t frame);
  // Calls f(frame, page) for every stored page (in no particular order).
  template <typename F>
  void for_each(F&& f) const {
    for (const Slot& s : slots_)
      if (s.frame != kEmpty) f(s.frame, *s.page);
  }
  uint64_t size() const { return size_; }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  static constexpr size_t kInitialSlots = 1024;
  struct Slot {
    uint64_t frame = kEmpty;
    StoredPage* page = nullptr;
  };

  uint64_t mask() const { return slots_.size() - 1; }
  // The slot holding `frame`, or the empty one where probing for it stops.
  uint64_t slot_of(uint64_t frame) const {
    uint64_t i = home(frame);
    while (slots_[i].frame != frame && slots_[i].frame != kEmpty) i = (i + 1) & mask();
    return i;
  }
  // Frames of neighbouring tables are often consecutive: multiply to spread them.
  uint64_t home(uint64_t frame) const { return frame * 0x9E3779B97F4A7C15ULL >> shift_; }
  void grow();
  StoredPage* new_page();

  struct SlabFree {
    void operator()(StoredPage* p) const { std::free(p); }
  };

  std::vector<Slot> slots_;  // a power of two, at most half full
  unsigned shift_;           // 64 - log2(slots)
  uint64_t size_ = 0;
  // Pages come from 2 MiB slabs (huge-page backed); freed ones are reused first.
  std::vector<std::unique_ptr<StoredPage, SlabFree>> slabs_;
  size_t slab_used_ = 0;
  std::vector<StoredPage*> free_;
};

}  // namespace memvirt
