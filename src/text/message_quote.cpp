#include "text/message_quote.hpp"

#include <fmt/format.h>

namespace memvirt {
namespace {

// Bytes outside printable ASCII are escaped whatever the terminal's encoding: in some, a single
// byte such as 0x9b starts a control sequence.
std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\r')
      out += "\\r";
    else if (byte >= 0x20 && byte < 0x7f)
      out += c;
    else
      out += fmt::format("\\x{:02x}", byte);
  }
  return out;
}

std::string cut_note(std::string_view text, size_t limit) {
  return text.size() > limit ? fmt::format("\u2026 ({} bytes)", text.size()) : std::string();
}

}  // namespace

std::string message_escape(std::string_view text, size_t limit) {
  return escaped(text.substr(0, limit)) + cut_note(text, limit);
}

std::string message_quote(std::string_view text, size_t limit) {
  return "'" + escaped(text.substr(0, limit)) + "'" + cut_note(text, limit);
}

}  // namespace memvirt
