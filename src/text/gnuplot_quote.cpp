#include "text/gnuplot_quote.hpp"

#include <fmt/format.h>

namespace memvirt {

std::string gnuplot_quote(std::string_view text) {
  // Single quotes, not double: gnuplot runs `...` inside double-quoted strings as a shell
  // command, and expands backslash escapes there; inside single quotes it does neither. A
  // newline would end the command, so no byte outside printable ASCII is passed through. Nor is
  // a quote: gnuplot 5.4 mis-scans the documented '' after another quote ('''a' reads as '').
  // The backslash is escaped too, so that \xHH always means the byte HH.
  std::string quoted = "'";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && c != '\'' && c != '\\')
      quoted += c;
    else
      quoted += fmt::format("\\x{:02x}", byte);
  }
  return quoted + "'";
}

}  // namespace memvirt
