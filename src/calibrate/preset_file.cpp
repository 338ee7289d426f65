#include "calibrate/preset_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace memvirt {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw std::runtime_error(fmt::format("cannot write '{}': {}", path.string(), what));
}

// Closes and (unless released) removes the temporary file.
class TempFile {
 public:
  explicit TempFile(const std::filesystem::path& target) {
    name_ = target.string() + ".tmp-XXXXXX";
    fd_ = mkstemp(name_.data());
    if (fd_ < 0) fail(target, std::strerror(errno));
  }
  ~TempFile() {
    if (fd_ >= 0) close(fd_);
    if (!released_) unlink(name_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  int fd() const { return fd_; }
  const std::string& name() const { return name_; }
  void close_now(const std::filesystem::path& target) {
    const int fd = fd_;
    fd_ = -1;
    if (close(fd) != 0) fail(target, std::strerror(errno));
  }
  void release() { released_ = true; }

 private:
  std::string name_;
  int fd_ = -1;
  bool released_ = false;
};

}  // namespace

void write_file_atomically(const std::filesystem::path& path, const std::string& text) {
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) fail(path, "cannot create its directory: " + ec.message());
  }
  if (std::filesystem::is_directory(path)) fail(path, "it is a directory");
  TempFile tmp(path);
  for (size_t done = 0; done < text.size();) {
    const ssize_t n = write(tmp.fd(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(path, std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  if (fchmod(tmp.fd(), 0644) != 0 || fsync(tmp.fd()) != 0) fail(path, std::strerror(errno));
  tmp.close_now(path);
  if (rename(tmp.name().c_str(), path.c_str()) != 0) fail(path, std::strerror(errno));
  tmp.release();
}

}  // namespace memvirt
