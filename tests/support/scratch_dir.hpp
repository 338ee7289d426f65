#pragma once
// Files for the tests that check what memvirt leaves on disk.
#include <filesystem>
#include <fstream>
#include <string>

#include "support/run_binary.hpp"

namespace memvirt::test {

// An empty directory of its own for one test: ctest runs tests in parallel.
inline std::filesystem::path fresh_dir(const std::string& stem) {
  const std::filesystem::path dir = scratch_file("memvirt-" + stem);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace memvirt::test
