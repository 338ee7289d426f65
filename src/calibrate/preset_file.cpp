#include "calibrate/preset_file.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "report/output_file.hpp"

namespace memvirt {

void write_preset_file(const std::filesystem::path& path, const std::string& text) {
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec)
      throw std::runtime_error(fmt::format("cannot write '{}': cannot create its directory: {}",
                                           path.string(), ec.message()));
  }
  write_file_atomically(path, text);
}

}  // namespace memvirt
