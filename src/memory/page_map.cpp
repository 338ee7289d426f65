#include "memory/page_map.hpp"

#include <bit>
#include <new>

namespace memvirt {
namespace {

constexpr size_t kPagesPerSlab = kHugePageBytes / sizeof(StoredPage);

}  // namespace

StoredPage* PageMap::new_page() {
  if (!free_.empty()) {
    StoredPage* p = free_.back();
    free_.pop_back();
    return new (p) StoredPage();
  }
  if (slabs_.empty() || slab_used_ == kPagesPerSlab) {
    slabs_.emplace_back(static_cast<StoredPage*>(allocate_maybe_huge(kHugePageBytes)));
    slab_used_ = 0;
  }
  return new (slabs_.back().get() + slab_used_++) StoredPage();
}

StoredPage& PageMap::get_or_add(uint64_t frame) {
  uint64_t i = slot_of(frame);
  if (slots_[i].frame == frame) return *slots_[i].page;
  if (2 * (size_ + 1) > slots_.size()) {
    grow();
    i = slot_of(frame);
  }
  slots_[i] = {frame, new_page()};
  ++size_;
  return *slots_[i].page;
}

// Linear probing without tombstones: the entries after the erased one that could have sat in
// its slot move back into it, one by one.
bool PageMap::erase(uint64_t frame) {
  uint64_t i = slot_of(frame);
  if (slots_[i].frame == kEmpty) return false;
  free_.push_back(slots_[i].page);
  for (uint64_t j = (i + 1) & mask(); slots_[j].frame != kEmpty; j = (j + 1) & mask()) {
    const uint64_t h = home(slots_[j].frame);
    // The entry at j stays if its home lies cyclically in (i, j].
    const bool stays = i < j ? (h > i && h <= j) : (h > i || h <= j);
    if (stays) continue;
    slots_[i] = slots_[j];
    i = j;
  }
  slots_[i] = Slot{};
  --size_;
  return true;
}

void PageMap::grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  shift_ = static_cast<unsigned>(64 - std::countr_zero(slots_.size()));
  for (const Slot& s : old)
    if (s.frame != kEmpty) slots_[slot_of(s.frame)] = s;
}

}  // namespace memvirt
