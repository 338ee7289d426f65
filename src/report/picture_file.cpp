#include "report/picture_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "text/message_quote.hpp"

namespace memvirt {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw std::runtime_error(
      fmt::format("cannot write the picture {}: {}", message_quote(path, kMessagePathLimit), why));
}

}  // namespace

PictureFile::PictureFile(std::string path)
    : path_(std::move(path)), temp_(fmt::format("{}.tmp.{}", path_, getpid())) {
  struct stat st {};
  if (stat(path_.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) fail(path_, "it is a directory");
  fd_ = open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) fail(path_, strerror(errno));
}

PictureFile::~PictureFile() {
  if (fd_ >= 0) close(fd_);
  if (!committed_) unlink(temp_.c_str());
}

void PictureFile::commit() {
  struct stat st {};
  if (fstat(fd_, &st) != 0 || st.st_size == 0)
    throw std::runtime_error(
        fmt::format("nothing was drawn into {} (gnuplot's message, if any, is above)",
                    message_quote(path_, kMessagePathLimit)));
  if (fsync(fd_) != 0 || close(std::exchange(fd_, -1)) != 0) fail(path_, strerror(errno));
  if (std::rename(temp_.c_str(), path_.c_str()) != 0) fail(path_, strerror(errno));
  committed_ = true;
}

}  // namespace memvirt
