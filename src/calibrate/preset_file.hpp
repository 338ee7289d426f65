#pragma once
// Writing the calibrated preset so that a failure never leaves a half-written file: the text goes
// to a temporary file in the same directory, is flushed to disk, then renamed over the target.
#include <filesystem>
#include <string>

namespace memvirt {

// Creates the directory (and its parents) if needed. Throws std::runtime_error naming the path
// and the reason; the target is then untouched.
void write_file_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace memvirt
