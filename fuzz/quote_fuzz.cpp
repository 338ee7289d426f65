// The quoting helpers take anything: each must keep its promise for every input.
//   shell_quote:   the shell reads back exactly the input (here: a strict reader of its grammar);
//   gnuplot_quote: one string constant of printable ASCII, no quote or backslash-quote inside;
//   message_quote: printable ASCII, escapes that decode to the input, cut at the limit.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "text/gnuplot_quote.hpp"
#include "text/message_quote.hpp"
#include "text/shell_quote.hpp"

namespace {

bool printable(char c) { return c >= 0x20 && c < 0x7f; }

// What sh makes of a word built only of '...' runs and \' (shell_quote's whole grammar).
bool shell_read(std::string_view word, std::string& text) {
  while (!word.empty()) {
    if (word.starts_with("\\'")) {
      text += '\'';
      word.remove_prefix(2);
      continue;
    }
    if (word.front() != '\'') return false;
    const size_t close = word.find('\'', 1);
    if (close == std::string_view::npos) return false;
    text += word.substr(1, close - 1);
    word.remove_prefix(close + 1);
  }
  return true;
}

void check_shell(std::string_view input) {
  std::string quoted;
  try {
    quoted = memvirt::shell_quote(input);
  } catch (const std::invalid_argument&) {
    if (input.find('\0') == std::string_view::npos) std::abort();
    return;
  }
  std::string back;
  if (input.find('\0') != std::string_view::npos || !shell_read(quoted, back) || back != input)
    std::abort();
}

void check_gnuplot(std::string_view input) {
  const std::string quoted = memvirt::gnuplot_quote(input);
  if (quoted.size() < 2 || quoted.front() != '\'' || quoted.back() != '\'') std::abort();
  for (size_t i = 1; i + 1 < quoted.size(); ++i) {
    if (!printable(quoted[i])) std::abort();
    if (quoted[i] == '\'') std::abort();  // it would close the constant
  }
}

int hex(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

// Undoes message_escape's escapes; false if one is malformed.
bool message_read(std::string_view shown, std::string& text) {
  for (size_t i = 0; i < shown.size(); ++i) {
    if (!printable(shown[i])) return false;
    if (shown[i] != '\\') {
      text += shown[i];
      continue;
    }
    if (++i >= shown.size()) return false;
    const char e = shown[i];
    if (e == '\\' || e == 'n' || e == 't' || e == 'r') {
      text += e == '\\' ? '\\' : e == 'n' ? '\n' : e == 't' ? '\t' : '\r';
    } else if (e == 'x' && i + 2 < shown.size()) {
      text += static_cast<char>(hex(shown[i + 1]) * 16 + hex(shown[i + 2]));
      i += 2;
    } else {
      return false;
    }
  }
  return true;
}

void check_message(std::string_view input, size_t limit) {
  const std::string quoted = memvirt::message_quote(input, limit);
  const size_t close = quoted.rfind('\'');
  if (quoted.front() != '\'' || close == 0) std::abort();
  const std::string note =
      input.size() > limit ? "\u2026 (" + std::to_string(input.size()) + " bytes)" : std::string();
  std::string back;
  if (quoted.substr(close + 1) != note ||
      !message_read(std::string_view(quoted).substr(1, close - 1), back) ||
      back != input.substr(0, limit))
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_shell(input);
  check_gnuplot(input);
  check_message(input, memvirt::kMessageValueLimit);
  check_message(input, size > 0 ? data[0] % 16 : 0);
  return 0;
}
