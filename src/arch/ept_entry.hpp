#pragma once
// Extended-page-table entry with named fields (Intel SDM vol. 3, 29.3.2). memvirt uses the EPT
// format for the nested dimension of both vendors; AMD's NPT reuses the IA-32e format, and the
// translation it produces is the same.
#include <cstdint>

#include "arch/bits.hpp"

namespace memvirt {

enum class EptMemoryType : uint8_t { kUncacheable = 0, kWriteCombining = 1, kWriteThrough = 4,
                                     kWriteProtected = 5, kWriteBack = 6 };

class EptEntry {
 public:
  static constexpr int kRead = 0, kWrite = 1, kExecute = 2, kMemTypeLo = 3, kMemTypeWidth = 3,
                       kIgnorePat = 6, kPageSize = 7, kAccessed = 8, kDirty = 9;

  constexpr EptEntry() = default;
  constexpr explicit EptEntry(uint64_t raw) : raw_(raw) {}
  constexpr uint64_t raw() const { return raw_; }
  constexpr bool operator==(const EptEntry&) const = default;

  // An EPT entry is present when any of R, W, X is set.
  constexpr bool present() const { return (raw_ & 7u) != 0; }
  constexpr bool readable() const { return bit(raw_, kRead); }
  constexpr bool writable() const { return bit(raw_, kWrite); }
  constexpr bool executable() const { return bit(raw_, kExecute); }
  constexpr EptMemoryType memory_type() const {
    return static_cast<EptMemoryType>(field(raw_, kMemTypeLo, kMemTypeWidth));
  }
  constexpr bool ignore_pat() const { return bit(raw_, kIgnorePat); }
  constexpr bool large() const { return bit(raw_, kPageSize); }
  constexpr bool accessed() const { return bit(raw_, kAccessed); }
  constexpr bool dirty() const { return bit(raw_, kDirty); }
  constexpr uint64_t frame() const { return raw_ & kFrameMask; }

  constexpr EptEntry& set_readable(bool v) { return set(kRead, v); }
  constexpr EptEntry& set_writable(bool v) { return set(kWrite, v); }
  constexpr EptEntry& set_executable(bool v) { return set(kExecute, v); }
  constexpr EptEntry& set_memory_type(EptMemoryType t) {
    raw_ = with_field(raw_, kMemTypeLo, kMemTypeWidth, static_cast<uint64_t>(t));
    return *this;
  }
  constexpr EptEntry& set_ignore_pat(bool v) { return set(kIgnorePat, v); }
  constexpr EptEntry& set_large(bool v) { return set(kPageSize, v); }
  constexpr EptEntry& set_accessed(bool v) { return set(kAccessed, v); }
  constexpr EptEntry& set_dirty(bool v) { return set(kDirty, v); }
  constexpr EptEntry& set_frame(uint64_t address) {
    raw_ = (raw_ & ~kFrameMask) | (address & kFrameMask);
    return *this;
  }

 private:
  constexpr EptEntry& set(int b, bool v) {
    raw_ = with_bit(raw_, b, v);
    return *this;
  }
  uint64_t raw_ = 0;
};

}  // namespace memvirt
