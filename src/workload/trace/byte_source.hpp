#pragma once
// Where trace bytes come from: a file, a pipe, memory, or a decompressor over one of those.
// Readers pull fixed-size chunks, so their memory does not grow with the length of the input.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace memvirt {

class ByteSource {
 public:
  explicit ByteSource(std::string name) : name_(std::move(name)) {}
  virtual ~ByteSource() = default;
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  // Fills `out`, or as much of it as is left: fewer bytes mean the end of the input.
  // Throws std::system_error if reading fails, TraceError if a decompressor finds corruption.
  virtual size_t read(std::span<uint8_t> out) = 0;
  // The total size, for inputs that can seek (regular files, memory); nullopt for pipes.
  virtual std::optional<uint64_t> size() const { return std::nullopt; }
  // Moves to `offset`; only for inputs whose size() is known.
  virtual void seek(uint64_t offset);

  // What error messages call the input: its path, or a description.
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

// A file opened by path, or a file descriptor taken over (a pipe); either is closed at the end.
class FileSource final : public ByteSource {
 public:
  explicit FileSource(const std::string& path);  // throws std::system_error naming the path
  FileSource(int fd, std::string name);
  ~FileSource() override;
  size_t read(std::span<uint8_t> out) override;
  std::optional<uint64_t> size() const override { return size_; }
  void seek(uint64_t offset) override;

 private:
  int fd_;
  std::optional<uint64_t> size_;  // regular files only
};

// Bytes already in memory (tests, fuzzing, benchmarks); they must outlive the source.
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::span<const uint8_t> bytes, std::string name = "<memory>")
      : ByteSource(std::move(name)), bytes_(bytes) {}
  size_t read(std::span<uint8_t> out) override;
  std::optional<uint64_t> size() const override { return bytes_.size(); }
  void seek(uint64_t offset) override;

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
};

// Opens `path`, or standard input for "-".
std::unique_ptr<ByteSource> open_source(const std::string& path);

}  // namespace memvirt
