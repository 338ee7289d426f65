#pragma once
// Where a command's --json FILE goes: opened before the work, so that a bad path fails at once
// rather than after minutes of simulation or measurement; written with a check that names it.
#include <fstream>
#include <ostream>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace memvirt {

// The file at `path`; a closed stream for "" (no JSON) and "-" (JSON on stdout). Throws naming
// the path and the reason when it cannot be written.
std::ofstream open_json_output(const std::string& path);

// `report` (nlohmann::json or ordered_json) pretty-printed to `out`; throws naming `where` if
// the write failed.
template <typename Json>
void write_json(std::ostream& out, const Json& report, const std::string& where) {
  out << report.dump(2) << '\n';
  out.flush();
  if (!out) throw std::runtime_error(fmt::format("writing '{}' failed", where));
}

}  // namespace memvirt
