#include "cli/json_output.hpp"

#include <cerrno>
#include <cstring>

namespace memvirt {

std::ofstream open_json_output(const std::string& path) {
  std::ofstream out;
  if (path.empty() || path == "-") return out;
  out.open(path);
  if (!out) throw std::runtime_error(fmt::format("cannot write '{}': {}", path, strerror(errno)));
  return out;
}

}  // namespace memvirt
