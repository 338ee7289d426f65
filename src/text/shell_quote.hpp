#pragma once
// Text for a POSIX shell: any string as one word, whatever it holds. Every path memvirt writes
// into a script or a command line for others to run goes through here.
#include <string>
#include <string_view>

namespace memvirt {

// `text` in single quotes, each ' inside written as '\'' ; the shell reads back exactly `text`.
// Throws std::invalid_argument for a NUL byte, which no shell word (no C string) can carry.
std::string shell_quote(std::string_view text);

}  // namespace memvirt
