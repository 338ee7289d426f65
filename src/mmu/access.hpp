#pragma once
// What an access asks of a translation, and what a translation allows.
#include <cstdint>
#include <string_view>

namespace memvirt {

enum class AccessType : uint8_t { kRead, kWrite, kExecute };

struct Permissions {
  bool writable = false;
  bool user = false;
  bool executable = false;
  bool operator==(const Permissions&) const = default;
};

// Whether `perm` allows `type` from user mode (CPL 3) or supervisor mode. Supervisor writes obey
// CR0.WP = 1, as every modern kernel sets it.
constexpr bool allows(Permissions perm, AccessType type, bool user_mode) {
  if (user_mode && !perm.user) return false;
  if (type == AccessType::kWrite && !perm.writable) return false;
  if (type == AccessType::kExecute && !perm.executable) return false;
  return true;
}

// x86 #PF error code bits (Intel SDM vol. 3, 4.7).
enum PageFaultError : uint32_t {
  kPfPresent = 1u << 0,  // 1: protection violation; 0: not-present entry
  kPfWrite = 1u << 1,
  kPfUser = 1u << 2,
  kPfReserved = 1u << 3,
  kPfFetch = 1u << 4,
};

constexpr uint32_t page_fault_error(AccessType type, bool user_mode, bool protection) {
  return (protection ? kPfPresent : 0u) | (type == AccessType::kWrite ? kPfWrite : 0u) |
         (user_mode ? kPfUser : 0u) | (type == AccessType::kExecute ? kPfFetch : 0u);
}

}  // namespace memvirt
