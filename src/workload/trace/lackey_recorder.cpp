#include "workload/trace/lackey_recorder.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <memory>
#include <stdexcept>
#include <system_error>

#include "workload/trace/byte_source.hpp"
#include "workload/trace/lackey_reader.hpp"
#include "workload/trace/mvt_writer.hpp"

extern char** environ;

namespace memvirt {
namespace {

// Copies what it reads to a second stream: lackey's text, kept for comparison or debugging.
class TeeSource final : public ByteSource {
 public:
  TeeSource(std::unique_ptr<ByteSource> in, std::ostream& copy)
      : ByteSource(in->name()), in_(std::move(in)), copy_(copy) {}
  size_t read(std::span<uint8_t> out) override {
    const size_t n = in_->read(out);
    copy_.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(n));
    return n;
  }

 private:
  std::unique_ptr<ByteSource> in_;
  std::ostream& copy_;
};

std::vector<std::string> valgrind_argv(const std::vector<std::string>& command, int log_fd) {
  std::vector<std::string> argv{"valgrind", "--tool=lackey", "--trace-mem=yes",
                                "--log-fd=" + std::to_string(log_fd), "--"};
  argv.insert(argv.end(), command.begin(), command.end());
  return argv;
}

pid_t spawn_valgrind(const std::vector<std::string>& command, int log_fd) {
  const std::vector<std::string> args = valgrind_argv(command, log_fd);
  std::vector<char*> argv = spawn_argv(args);
  pid_t pid = 0;
  const int err = ::posix_spawnp(&pid, "valgrind", nullptr, nullptr, argv.data(), environ);
  if (err == ENOENT)
    throw std::runtime_error(
        "record: valgrind is not installed or not on PATH; install it "
        "(Debian/Ubuntu: apt-get install valgrind)");
  if (err != 0)
    throw std::system_error(err, std::generic_category(), "record: cannot run valgrind");
  return pid;
}

}  // namespace

RecordResult record_with_lackey(const std::vector<std::string>& command, std::ostream& mvt,
                                std::ostream* text_copy, const ChildWatch& watch) {
  if (command.empty()) throw std::invalid_argument("record: no program given");
  std::array<int, 2> fds{};
  // Only the read end is close-on-exec: valgrind inherits the write end as its log fd.
  if (::pipe(fds.data()) != 0 || ::fcntl(fds[0], F_SETFD, FD_CLOEXEC) != 0)
    throw std::system_error(errno, std::generic_category(), "record: pipe");
  std::unique_ptr<ByteSource> text = std::make_unique<FileSource>(fds[0], "lackey output");
  pid_t pid = 0;
  try {
    pid = spawn_valgrind(command, fds[1]);
  } catch (...) {
    ::close(fds[1]);
    throw;
  }
  Child child(pid, watch);
  ::close(fds[1]);  // so that the pipe ends when valgrind does
  if (text_copy != nullptr) text = std::make_unique<TeeSource>(std::move(text), *text_copy);
  LackeyReader reader(std::move(text));
  MvtWriter writer(mvt, false);
  std::vector<TraceRecord> batch(4096);
  while (const size_t n = reader.read(batch)) {
    for (size_t i = 0; i < n; ++i) writer.write(batch[i]);
  }
  check_child_exit(command, child.wait_status(), "valgrind");
  writer.finish();
  return {writer.records(), 0};
}

}  // namespace memvirt
