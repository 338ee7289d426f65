#include "text/shell_quote.hpp"

#include <stdexcept>

namespace memvirt {

std::string shell_quote(std::string_view text) {
  if (text.find('\0') != std::string_view::npos)
    throw std::invalid_argument("a shell word cannot hold a NUL byte");
  // Inside single quotes the shell gives nothing a meaning ($, `, \, newline included) but the
  // closing quote, so a quote is the one byte to write differently: close, \', reopen.
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string_view("'\\''") : std::string_view(&c, 1);
  return quoted + "'";
}

}  // namespace memvirt
