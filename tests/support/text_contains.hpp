#pragma once
// Whether a command's output or a message holds a phrase: what most CLI tests check.
#include <string>

namespace memvirt::test {

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace memvirt::test
