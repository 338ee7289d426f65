#pragma once
// Text for a gnuplot script: any string as one string constant of printable ASCII. Results files
// are shared, so a label taken from one must reach gnuplot as text, never as commands.
#include <string>
#include <string_view>

namespace memvirt {

// `text` as a single-quoted gnuplot string ('' for a quote inside); each byte outside printable
// ASCII is shown as the four characters \xHH.
std::string gnuplot_quote(std::string_view text);

}  // namespace memvirt
