#pragma once
// Every file memvirt writes goes through here, so that no run destroys what it should keep:
// - the text goes to a temporary file beside the target, is flushed to disk and renamed over the
//   target only when complete: a failed, interrupted or killed run leaves the old file whole;
// - the temporary is removed on every failure (a full disk, an exception, SIGINT/SIGTERM/SIGHUP);
// - a target that is a directory, or one of the run's inputs, is refused before any work.
// A target that exists and is not a regular file (/dev/null, a FIFO) is written in place.
#include <filesystem>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "report/signal_cleanup.hpp"

namespace memvirt {

// An output the user named that must not be written: exit code 2, like a usage error.
class OutputRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A file the run reads (or another of its outputs), and what it is to the run, e.g.
// {"p.json", "the --cpu preset"}.
struct InputFile {
  std::filesystem::path path;
  std::string role;
};

// Throws OutputRefused naming `output` and the input if `output` is a directory or the same
// file as one of `inputs`: the same inode where both exist, else the same resolved path.
void refuse_unsafe_output(const std::filesystem::path& output,
                          const std::vector<InputFile>& inputs);

class OutputFile {
 public:
  // Checks `target` (refuse_unsafe_output) and creates the temporary file now, so that a bad
  // path fails before the work. Throws OutputRefused, or std::runtime_error naming the target.
  explicit OutputFile(const std::filesystem::path& target,
                      const std::vector<InputFile>& inputs = {});
  ~OutputFile();  // removes the temporary unless committed; never throws
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::ostream& stream() { return *stream_; }
  const std::filesystem::path& target() const { return target_; }
  // Flushes, syncs and renames the temporary over the target. Throws std::runtime_error naming
  // the target and the reason (the temporary is then removed, the old file untouched).
  void commit();

 private:
  [[noreturn]] void fail(int error) const;

  std::filesystem::path target_;
  std::string temp_;  // "" when writing in place
  int fd_ = -1;
  class Buffer;
  std::unique_ptr<Buffer> buffer_;
  std::unique_ptr<std::ostream> stream_;
  SignalCleanup cleanup_;
  bool committed_ = false;
};

// The whole of `text` into `path` through an OutputFile.
void write_file_atomically(const std::filesystem::path& path, std::string_view text,
                           const std::vector<InputFile>& inputs = {});

}  // namespace memvirt
