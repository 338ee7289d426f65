#pragma once
#include <array>
#include <cstdint>
#include <string_view>

namespace memvirt {

// What a physical frame is used for, for accounting only. kHostPageTable: the host kernel's own
// tables (KVM's model), among them the VMM process's hVA -> hPA map of guest memory.
enum class FrameRole : uint8_t {
  kData, kGuestPageTable, kShadowPageTable, kNestedPageTable, kP2m, kHostPageTable
};
inline constexpr int kFrameRoleCount = 6;

constexpr std::string_view frame_role_name(FrameRole r) {
  constexpr std::array<std::string_view, kFrameRoleCount> names = {"data", "guest", "shadow",
                                                                   "nested", "p2m", "host"};
  return names[static_cast<size_t>(r)];
}

}  // namespace memvirt
