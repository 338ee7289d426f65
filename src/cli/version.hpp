#pragma once
#include <string_view>

namespace memvirt {

// Keep in step with project(memvirt VERSION ...) in the top-level CMakeLists.txt.
inline constexpr std::string_view kVersion = "0.1.0";

}  // namespace memvirt
