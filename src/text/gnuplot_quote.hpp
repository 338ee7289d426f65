#pragma once
// Text for a gnuplot script: any string as one string constant of printable ASCII. Results files
// are shared, so a label taken from one must reach gnuplot as text, never as commands.
#include <string>
#include <string_view>

namespace memvirt {

// `text` as a single-quoted gnuplot string; a quote, a backslash and each byte outside printable
// ASCII are shown as the four characters \xHH, so the constant holds no quote but its own two.
std::string gnuplot_quote(std::string_view text);

}  // namespace memvirt
