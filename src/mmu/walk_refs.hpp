#pragma once
// The page-table references of one walk, in hardware order, without heap allocation.
#include <cassert>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>

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

static_assert(std::is_trivially_copyable_v<WalkRef>);

class WalkRefs {
 public:
  static constexpr int kCapacity = 36;  // 5-level guest x 5-level nested: 6 * 5 + 5 = 35

  WalkRefs() = default;
  WalkRefs(const WalkRefs& o) : count_(o.count_) { std::memcpy(storage_, o.storage_, bytes(count_)); }
  WalkRefs& operator=(const WalkRefs& o) {
    count_ = o.count_;
    std::memcpy(storage_, o.storage_, bytes(count_));
    return *this;
  }

  void push(WalkRef r) {
    assert(count_ < kCapacity);
    new (storage_ + bytes(count_++)) WalkRef(r);
  }
  int size() const { return count_; }
  const WalkRef& operator[](int i) const { return begin()[i]; }
  // The storage is left uninitialized (a walk result is made per access; zeroing 36 entries
  // would cost more than most walks): only the first count_ entries exist.
  const WalkRef* begin() const { return std::launder(reinterpret_cast<const WalkRef*>(storage_)); }
  const WalkRef* end() const { return begin() + count_; }
  int count(Dimension d) const {
    int n = 0;
    for (const auto& r : *this) n += r.dim == d;
    return n;
  }
  void clear() { count_ = 0; }

 private:
  static constexpr size_t bytes(int n) { return static_cast<size_t>(n) * sizeof(WalkRef); }

  alignas(WalkRef) unsigned char storage_[kCapacity * sizeof(WalkRef)];
  int count_ = 0;
};

}  // namespace memvirt
