#pragma once
// The page-table references of one walk, in hardware order, without heap allocation.
#include <array>
#include <cassert>
#include <cstdint>

#include "arch/address.hpp"

namespace memvirt {

// Which dimension a reference belongs to: the guest's (or the only) tables, or the nested
// (EPT/NPT) tables that translate guest-physical addresses.
enum class Dimension : uint8_t { kGuest, kNested };

struct WalkRef {
  HostPhys entry;  // host-physical address of the 8-byte entry read
  uint8_t level;   // level of the table holding it (1 = PT ... 5 = PML5)
  Dimension dim;
  bool operator==(const WalkRef&) const = default;
};

class WalkRefs {
 public:
  static constexpr int kCapacity = 36;  // 5-level guest x 5-level nested: 6 * 5 + 5 = 35

  void push(WalkRef r) {
    assert(count_ < kCapacity);
    refs_[count_++] = r;
  }
  int size() const { return count_; }
  const WalkRef& operator[](int i) const { return refs_[static_cast<size_t>(i)]; }
  const WalkRef* begin() const { return refs_.data(); }
  const WalkRef* end() const { return refs_.data() + count_; }
  int count(Dimension d) const {
    int n = 0;
    for (const auto& r : *this) n += r.dim == d;
    return n;
  }
  void clear() { count_ = 0; }

 private:
  std::array<WalkRef, kCapacity> refs_{};
  int count_ = 0;
};

}  // namespace memvirt
