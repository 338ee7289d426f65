#pragma once
#include <string_view>

namespace memvirt {

// From project(memvirt VERSION ...) in the top-level CMakeLists.txt.
inline constexpr std::string_view kVersion = MEMVIRT_VERSION;

}  // namespace memvirt
