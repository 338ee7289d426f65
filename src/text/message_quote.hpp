#pragma once
// Text from input files and flags, shown in a message. The value may hold anything: escape
// sequences that would drive the user's terminal, or 100 KB of one key; the message shows it
// safely and briefly.
#include <cstddef>
#include <string>
#include <string_view>

namespace memvirt {

// Longer values are cut: enough to recognise a path or a spec, short enough for one line.
inline constexpr size_t kMessageValueLimit = 200;
// A path is shown whole (PATH_MAX), so that the user can find the file.
inline constexpr size_t kMessagePathLimit = 4096;

// `text` with each byte outside printable ASCII written \n, \t, \r or \xHH (and \ as \\), its
// first `limit` bytes only, followed by "… (N bytes)" when cut.
std::string message_escape(std::string_view text, size_t limit = kMessageValueLimit);
// The same in single quotes: 'text', or 'text'… (N bytes).
std::string message_quote(std::string_view text, size_t limit = kMessageValueLimit);

}  // namespace memvirt
