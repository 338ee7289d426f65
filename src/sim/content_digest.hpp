#pragma once
// A digest of a file's bytes, "fnv1a64:" and 16 hex digits (64-bit FNV-1a): enough to tell an
// edited preset or a re-recorded trace from the one a result was computed from. It is no defence
// against someone who crafts a collision on purpose.
#include <cstdint>
#include <string>
#include <string_view>

namespace memvirt {

std::string text_digest(std::string_view text);
// Reads the whole file, in pieces: a trace of gigabytes costs one more pass over it, which every
// configuration that replays it makes anyway. Throws std::runtime_error naming the file.
std::string file_digest(const std::string& path);

}  // namespace memvirt
