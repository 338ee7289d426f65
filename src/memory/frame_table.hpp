#pragma once
// A table indexed by frame number (an address divided by the frame size), for what a VMM keeps
// per frame it hands out (owner, machine-to-guest map). Entries live in blocks of 512, allocated
// on first write: frames are handed out from the bottom of an address space up, so the blocks in
// use are full and an entry costs sizeof(T), where a hash or tree map would spend a node (and a
// bucket) of several times that on every frame of a many-GiB guest.
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace memvirt {

template <typename T>
class FrameTable {
 public:
  // T{} where nothing was written.
  T get(uint64_t index) const {
    const uint64_t b = index >> kBlockShift;
    if (b >= blocks_.size() || !blocks_[b]) return T{};
    return (*blocks_[b])[index & kBlockMask];
  }

  // The entry, its block allocated (entries T{}) if it was not.
  T& at(uint64_t index) {
    const uint64_t b = index >> kBlockShift;
    if (b >= blocks_.size()) blocks_.resize(b + 1);
    if (!blocks_[b]) blocks_[b] = std::make_unique<Block>();
    return (*blocks_[b])[index & kBlockMask];
  }

 private:
  static constexpr unsigned kBlockShift = 9;
  static constexpr uint64_t kBlockMask = (uint64_t{1} << kBlockShift) - 1;
  using Block = std::array<T, size_t{1} << kBlockShift>;

  std::vector<std::unique_ptr<Block>> blocks_;
};

}  // namespace memvirt
