#include "sim/content_digest.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace memvirt {
namespace {

class Fnv1a64 {
 public:
  void add(const char* data, size_t size) {
    for (size_t i = 0; i < size; ++i) {
      hash_ ^= static_cast<unsigned char>(data[i]);
      hash_ *= 0x100000001b3ULL;
    }
  }
  std::string text() const { return fmt::format("fnv1a64:{:016x}", hash_); }

 private:
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

[[noreturn]] void fail(const std::string& path, int error) {
  throw std::runtime_error(fmt::format("cannot read '{}': {}", path, std::strerror(error)));
}

}  // namespace

std::string text_digest(std::string_view text) {
  Fnv1a64 hash;
  hash.add(text.data(), text.size());
  return hash.text();
}

std::string file_digest(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(path, errno);
  Fnv1a64 hash;
  std::vector<char> buffer(size_t{1} << 20);
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      fail(path, error);
    }
    if (n == 0) break;
    hash.add(buffer.data(), static_cast<size_t>(n));
  }
  ::close(fd);
  return hash.text();
}

}  // namespace memvirt
