#include "workload/trace/byte_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "text/message_quote.hpp"

namespace memvirt {
namespace {

std::system_error os_error(const std::string& what) {
  return std::system_error(errno, std::generic_category(), what);
}

std::optional<uint64_t> regular_file_size(int fd) {
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return static_cast<uint64_t>(st.st_size);
}

}  // namespace

void ByteSource::seek(uint64_t) {
  throw std::logic_error(name_ + " cannot seek (it is not a regular file)");
}

FileSource::FileSource(const std::string& path) : ByteSource(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw os_error("cannot open trace " + message_quote(path, kMessagePathLimit));
  size_ = regular_file_size(fd_);
}

FileSource::FileSource(int fd, std::string name)
    : ByteSource(std::move(name)), fd_(fd), size_(regular_file_size(fd)) {}

FileSource::~FileSource() { ::close(fd_); }

size_t FileSource::read(std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::read(fd_, out.data() + done, out.size() - done);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw os_error("cannot read " + name());
    }
    done += static_cast<size_t>(n);
  }
  return done;
}

void FileSource::seek(uint64_t offset) {
  if (!size_) ByteSource::seek(offset);
  if (::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0)
    throw os_error("cannot seek " + name());
}

size_t MemorySource::read(std::span<uint8_t> out) {
  const size_t n = std::min(out.size(), bytes_.size() - pos_);
  if (n != 0) std::memcpy(out.data(), bytes_.data() + pos_, n);
  pos_ += n;
  return n;
}

void MemorySource::seek(uint64_t offset) { pos_ = std::min<uint64_t>(offset, bytes_.size()); }

std::unique_ptr<ByteSource> open_source(const std::string& path) {
  if (path == "-") return std::make_unique<FileSource>(::dup(STDIN_FILENO), "<stdin>");
  return std::make_unique<FileSource>(path);
}

}  // namespace memvirt
