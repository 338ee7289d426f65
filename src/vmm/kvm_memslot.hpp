#pragma once
// A KVM memslot: guest-physical [0, bytes) is the VMM process's memory at [hva, hva + bytes).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "arch/address.hpp"

namespace memvirt {

struct Memslot {
  GuestVirt hva;  // host-virtual base, in the VMM process (the host kernel's GuestVirt)
  uint64_t bytes = 0;

  bool contains(GuestPhys gpa) const { return gpa.raw() < bytes; }
  GuestVirt hva_of(GuestPhys gpa) const { return hva + gpa.raw(); }
  // Guest-physical range of the host-virtual [start, start + length) that lies in the slot.
  std::optional<std::pair<GuestPhys, uint64_t>> gpa_range(GuestVirt start, uint64_t length) const {
    const uint64_t lo = std::max(start.raw(), hva.raw());
    const uint64_t hi = std::min(start.raw() + length, hva.raw() + bytes);
    if (lo >= hi) return std::nullopt;
    return std::pair{GuestPhys(lo - hva.raw()), hi - lo};
  }
};

}  // namespace memvirt
