#include "report/output_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <streambuf>
#include <utility>

namespace memvirt {
namespace fs = std::filesystem;

// Writes through to the file descriptor and keeps the errno of the first failed write, which
// std::ofstream does not: "No space left on device" is what the user needs to read.
class OutputFile::Buffer : public std::streambuf {
 public:
  explicit Buffer(int fd) : fd_(fd), data_(kSize) { reset(); }
  int error() const { return error_; }

 protected:
  int_type overflow(int_type ch) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  static constexpr size_t kSize = size_t{1} << 16;
  void reset() { setp(data_.data(), data_.data() + data_.size()); }
  bool drain() {
    for (const char* p = pbase(); p < pptr();) {
      const ssize_t n = ::write(fd_, p, static_cast<size_t>(pptr() - p));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        error_ = n < 0 ? errno : EIO;
        return false;
      }
      p += n;
    }
    reset();
    return true;
  }

  int fd_;
  int error_ = 0;
  std::vector<char> data_;
};

namespace {

bool same_file(const fs::path& a, const fs::path& b) {
  struct stat sa {};
  struct stat sb {};
  if (::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0)
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  // Where one does not exist yet (two outputs of one run), only the names can tell.
  std::error_code ea;
  std::error_code eb;
  const fs::path ra = fs::weakly_canonical(a, ea);
  const fs::path rb = fs::weakly_canonical(b, eb);
  return !ea && !eb && ra == rb;
}

// A symbolic link is written through, as an editor does: renaming over the link itself would
// leave the file it points to stale.
fs::path resolve_link(const fs::path& target) {
  std::error_code ec;
  if (!fs::is_symlink(fs::symlink_status(target, ec))) return target;
  const fs::path resolved = fs::weakly_canonical(target, ec);
  return ec ? target : resolved;
}

// The rename must reach the disk too, or a crash could bring back the old name's content.
void sync_directory(const fs::path& target) {
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// The pid tells whose temporary it is; the counter keeps two of one process apart.
int create_temp(const fs::path& target, std::string& name) {
  static std::atomic<unsigned> counter{0};
  for (int attempt = 0; attempt < 100; ++attempt) {
    name = fmt::format("{}.tmp.{}.{}", target.string(), ::getpid(), counter++);
    const int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  errno = EEXIST;
  return -1;
}

}  // namespace

void refuse_unsafe_output(const fs::path& output, const std::vector<InputFile>& inputs) {
  std::error_code ec;
  if (fs::is_directory(output, ec))
    throw OutputRefused(fmt::format(
        "cannot write '{}': it is a directory; give the name of a file (in it, or elsewhere)",
        output.string()));
  for (const InputFile& input : inputs) {
    if (!same_file(output, input.path)) continue;
    throw OutputRefused(fmt::format(
        "refusing to write '{}': it is also {} '{}', which would be destroyed; write to "
        "another file",
        output.string(), input.role, input.path.string()));
  }
}

OutputFile::OutputFile(const fs::path& target, const std::vector<InputFile>& inputs)
    : target_(resolve_link(target)) {
  refuse_unsafe_output(target, inputs);
  struct stat st {};
  const bool exists = ::stat(target_.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode)) {
    // /dev/null, a FIFO, a terminal: nothing to replace, and no rename may go over them.
    fd_ = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC);
  } else {
    fd_ = create_temp(target_, temp_);
    if (fd_ >= 0) cleanup_ = SignalCleanup::remove_file(temp_);
    if (fd_ >= 0 && exists) ::fchmod(fd_, st.st_mode & 07777);  // keep the file's permissions
  }
  if (fd_ < 0) {
    temp_.clear();  // nothing was created
    fail(errno);
  }
  buffer_ = std::make_unique<Buffer>(fd_);
  stream_ = std::make_unique<std::ostream>(buffer_.get());
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

void OutputFile::fail(int error) const {
  throw std::runtime_error(fmt::format("cannot write '{}': {}{}", target_.string(),
                                       std::strerror(error),
                                       temp_.empty() ? "" : " (the file is left as it was)"));
}

void OutputFile::commit() {
  stream_->flush();
  if (!*stream_) fail(buffer_->error() != 0 ? buffer_->error() : EIO);
  if (!temp_.empty() && ::fsync(fd_) != 0) fail(errno);
  if (::close(std::exchange(fd_, -1)) != 0) fail(errno);
  if (!temp_.empty()) {
    if (::rename(temp_.c_str(), target_.c_str()) != 0) fail(errno);
    cleanup_.release();
    sync_directory(target_);
  }
  committed_ = true;
}

void write_file_atomically(const fs::path& path, std::string_view text,
                           const std::vector<InputFile>& inputs) {
  OutputFile out(path, inputs);
  out.stream().write(text.data(), static_cast<std::streamsize>(text.size()));
  out.commit();
}

}  // namespace memvirt
