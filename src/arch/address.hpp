#pragma once
// Strong address types: a guest-virtual, guest-physical, host-physical or host-virtual
// address cannot be passed where another kind is expected without an explicit conversion.
#include <compare>
#include <cstdint>
#include <functional>

namespace memvirt {

template <typename Tag>
class Address {
 public:
  constexpr Address() = default;
  constexpr explicit Address(uint64_t value) : value_(value) {}
  constexpr uint64_t raw() const { return value_; }

  constexpr Address operator+(uint64_t offset) const { return Address(value_ + offset); }
  constexpr Address& operator+=(uint64_t offset) {
    value_ += offset;
    return *this;
  }
  constexpr uint64_t operator-(Address other) const { return value_ - other.value_; }
  constexpr auto operator<=>(const Address&) const = default;

  // Bits below `bytes` (a power of two) cleared / kept.
  constexpr Address align_down(uint64_t bytes) const { return Address(value_ & ~(bytes - 1)); }
  constexpr uint64_t offset_in(uint64_t bytes) const { return value_ & (bytes - 1); }
  constexpr bool aligned_to(uint64_t bytes) const { return offset_in(bytes) == 0; }

 private:
  uint64_t value_ = 0;
};

struct GuestVirtTag {};
struct GuestPhysTag {};
struct HostPhysTag {};
struct HostVirtTag {};

using GuestVirt = Address<GuestVirtTag>;
using GuestPhys = Address<GuestPhysTag>;
using HostPhys = Address<HostPhysTag>;
using HostVirt = Address<HostVirtTag>;

// Without a hypervisor the kernel's physical addresses are the machine's: this is the one
// place where that identity is written down.
constexpr HostPhys identity_host(GuestPhys gpa) { return HostPhys(gpa.raw()); }

}  // namespace memvirt

template <typename Tag>
struct std::hash<memvirt::Address<Tag>> {
  size_t operator()(memvirt::Address<Tag> a) const noexcept {
    return std::hash<uint64_t>{}(a.raw());
  }
};
