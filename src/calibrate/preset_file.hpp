#pragma once
// Writing the calibrated preset: through the one output helper (temporary file, fsync, rename),
// into a directory made first if needed, since the host preset's usually does not exist yet.
#include <filesystem>
#include <string>

namespace memvirt {

// Throws std::runtime_error naming the path and the reason; the target is then untouched.
void write_preset_file(const std::filesystem::path& path, const std::string& text);

}  // namespace memvirt
