#pragma once
// A trace that cannot be read: the user's mistake (a wrong or damaged file), so an exception
// that says where (the input's name and byte offset) and what was expected there.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace memvirt {

class TraceError : public std::runtime_error {
 public:
  TraceError(const std::string& source, uint64_t offset, const std::string& message);
  uint64_t offset() const { return offset_; }

 private:
  uint64_t offset_;
};

}  // namespace memvirt
