#pragma once
// IA-32e page-table entry (PML5E/PML4E/PDPTE/PDE/PTE) with named fields (Intel SDM vol. 3,
// 4.5; AMD APM vol. 2, 5.3).
#include <cstdint>

#include "arch/address.hpp"
#include "arch/bits.hpp"

namespace memvirt {

class Pte {
 public:
  static constexpr int kPresent = 0, kWritable = 1, kUser = 2, kPwt = 3, kPcd = 4,
                       kAccessed = 5, kDirty = 6, kPageSize = 7, kGlobal = 8, kNoExecute = 63;
  // An available bit (ignored by an IA-32e walk). In an agile table (Gandhi, Hill and Swift,
  // ISCA 2016) it marks the entry where the walk switches to nested mode: the entry holds the
  // host-physical address of the guest's own table one level down.
  static constexpr int kSwitch = 11;

  constexpr Pte() = default;
  constexpr explicit Pte(uint64_t raw) : raw_(raw) {}
  constexpr uint64_t raw() const { return raw_; }
  constexpr bool operator==(const Pte&) const = default;

  constexpr bool present() const { return bit(raw_, kPresent); }
  constexpr bool writable() const { return bit(raw_, kWritable); }
  constexpr bool user() const { return bit(raw_, kUser); }
  constexpr bool pwt() const { return bit(raw_, kPwt); }
  constexpr bool pcd() const { return bit(raw_, kPcd); }
  constexpr bool accessed() const { return bit(raw_, kAccessed); }
  constexpr bool dirty() const { return bit(raw_, kDirty); }
  constexpr bool large() const { return bit(raw_, kPageSize); }
  constexpr bool global() const { return bit(raw_, kGlobal); }
  constexpr bool no_execute() const { return bit(raw_, kNoExecute); }
  constexpr bool switches() const { return bit(raw_, kSwitch); }
  // Physical address held in bits 51:12 (for a large leaf the low bits are zero).
  constexpr uint64_t frame() const { return raw_ & kFrameMask; }

  constexpr Pte& set_present(bool v) { return set(kPresent, v); }
  constexpr Pte& set_writable(bool v) { return set(kWritable, v); }
  constexpr Pte& set_user(bool v) { return set(kUser, v); }
  constexpr Pte& set_pwt(bool v) { return set(kPwt, v); }
  constexpr Pte& set_pcd(bool v) { return set(kPcd, v); }
  constexpr Pte& set_accessed(bool v) { return set(kAccessed, v); }
  constexpr Pte& set_dirty(bool v) { return set(kDirty, v); }
  constexpr Pte& set_large(bool v) { return set(kPageSize, v); }
  constexpr Pte& set_global(bool v) { return set(kGlobal, v); }
  constexpr Pte& set_no_execute(bool v) { return set(kNoExecute, v); }
  constexpr Pte& set_switches(bool v) { return set(kSwitch, v); }
  constexpr Pte& set_frame(uint64_t address) {
    raw_ = (raw_ & ~kFrameMask) | (address & kFrameMask);
    return *this;
  }

 private:
  constexpr Pte& set(int b, bool v) {
    raw_ = with_bit(raw_, b, v);
    return *this;
  }
  uint64_t raw_ = 0;
};

}  // namespace memvirt
