#pragma once
// What a gnuplot script built from someone else's strings must look like: printable lines, each
// string constant single-quoted and closed on its line, and outside those constants none of the
// characters through which gnuplot runs or expands text (` command substitution, @ macros, "
// strings, which substitute backquotes). The plot tests and the plot fuzz target share it.
#include <algorithm>
#include <cstddef>
#include <string_view>

namespace memvirt::test {

inline bool gnuplot_line_inert(std::string_view line) {
  if (line.starts_with('#')) return line.find('\'') == std::string_view::npos;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c < 0x20 || c >= 0x7f) return false;
    if (c == '\'') {
      quoted = !quoted;
    } else if (!quoted && (c == '`' || c == '@' || c == '"' || c == '!')) {
      return false;
    }
  }
  return !quoted;
}

inline bool gnuplot_script_inert(std::string_view script) {
  for (size_t start = 0; start < script.size();) {
    const size_t end = std::min(script.find('\n', start), script.size());
    if (!gnuplot_line_inert(script.substr(start, end - start))) return false;
    start = end + 1;
  }
  return true;
}

}  // namespace memvirt::test
