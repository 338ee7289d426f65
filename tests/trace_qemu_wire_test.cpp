// The QEMU plugin's stream decodes exactly: references with their kinds, sizes and addresses,
// system calls into address-space events, threads and processes into pids; damaged streams are
// refused naming the byte offset.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "workload/trace/byte_source.hpp"
#include "workload/trace/qemu_wire.h"
#include "workload/trace/qemu_wire_decoder.hpp"
#include "workload/trace/trace_error.hpp"

namespace memvirt {
namespace {

// Collects what the decoder delivers, in order.
struct Collect final : TraceSink {
  std::vector<TraceRecord> records;
  std::vector<SpaceEvent> events;
  void record(const TraceRecord& r) override { records.push_back(r); }
  void event(const SpaceEvent& e) override { events.push_back(e); }
};

// Builds a stream as the plugin writes it.
class Stream {
 public:
  Stream() {
    for (const char c : std::string(MVQ_MAGIC)) bytes.push_back(static_cast<uint8_t>(c));
    bytes.push_back(MVQ_VERSION);
    bytes.push_back(0);
  }
  // Starts a frame; end_frame() fills in its length.
  Stream& frame(uint32_t tgid, uint32_t tid, uint32_t parent = 0) {
    frame_start_ = bytes.size();
    for (const uint32_t v : {0u, tgid, tid, parent}) u32(v);
    prev_[0] = prev_[1] = 0;
    return *this;
  }
  Stream& end_frame() {
    const auto len = static_cast<uint32_t>(bytes.size() - frame_start_ - MVQ_FRAME_HEADER);
    for (int i = 0; i < 4; ++i) bytes[frame_start_ + i] = static_cast<uint8_t>(len >> (8 * i));
    return *this;
  }
  Stream& access(unsigned kind, uint64_t size, uint64_t addr) {
    if (size <= MVQ_SIZE_INLINE_MAX) {
      bytes.push_back(static_cast<uint8_t>(kind | size << 2));
    } else {
      bytes.push_back(static_cast<uint8_t>(kind));
      varint(size);
    }
    uint64_t& prev = prev_[kind == MVQ_EXECUTE];
    const auto delta = static_cast<int64_t>(addr - prev);
    varint(static_cast<uint64_t>(delta) << 1 ^ static_cast<uint64_t>(delta >> 63));
    prev = addr;
    return *this;
  }
  Stream& syscall(int64_t num, std::vector<uint64_t> args, int64_t ret) {
    bytes.push_back(MVQ_CONTROL | MVQ_SYSCALL << 2);
    varint(static_cast<uint64_t>(num));
    args.resize(6);
    for (const uint64_t a : args) u64(a);
    u64(static_cast<uint64_t>(ret));
    return *this;
  }
  Stream& entry(int64_t num) {
    bytes.push_back(MVQ_CONTROL | MVQ_SYSCALL_ENTRY << 2);
    varint(static_cast<uint64_t>(num));
    for (int i = 0; i < 6; ++i) u64(0);
    return *this;
  }
  Stream& ret(int64_t num, int64_t value) {
    bytes.push_back(MVQ_CONTROL | MVQ_SYSCALL_RETURN << 2);
    varint(static_cast<uint64_t>(num));
    u64(static_cast<uint64_t>(value));
    return *this;
  }
  std::vector<uint8_t> bytes;

 private:
  void varint(uint64_t v) {
    for (; v >= 0x80; v >>= 7) bytes.push_back(static_cast<uint8_t>(v | 0x80));
    bytes.push_back(static_cast<uint8_t>(v));
  }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  size_t frame_start_ = 0;
  uint64_t prev_[2] = {0, 0};
};

Collect decode(const std::vector<uint8_t>& bytes) {
  Collect out;
  QemuWireDecoder decoder(std::make_unique<MemorySource>(bytes, "wire"), out);
  decoder.run();
  EXPECT_EQ(decoder.records(), out.records.size());
  EXPECT_EQ(decoder.events(), out.events.size());
  return out;
}

// The offset of the TraceError decoding `bytes` throws, and its message.
std::pair<uint64_t, std::string> failure(const std::vector<uint8_t>& bytes) {
  try {
    decode(bytes);
  } catch (const TraceError& e) {
    return {e.offset(), e.what()};
  }
  ADD_FAILURE() << "no TraceError";
  return {0, ""};
}

constexpr uint64_t kBase = 0x7f0000001000;

TEST(QemuWire, DecodesAccessesWithKindsSizesAndAddresses) {
  Stream s;
  s.frame(100, 100)
      .access(MVQ_EXECUTE, 3, 0x401000)
      .access(MVQ_READ, 8, kBase)
      .access(MVQ_EXECUTE, 5, 0x401003)
      .access(MVQ_WRITE, 1, kBase - 64)
      .access(MVQ_EXECUTE, 4096, 0x400000)  // a block: the size follows as a varint
      .end_frame();
  const Collect c = decode(s.bytes);
  const std::vector<TraceRecord> want{{0x401000, 0, 3, TraceKind::kExecute},
                                      {kBase, 0, 8, TraceKind::kRead},
                                      {0x401003, 0, 5, TraceKind::kExecute},
                                      {kBase - 64, 0, 1, TraceKind::kWrite},
                                      {0x400000, 0, 4096, TraceKind::kExecute}};
  EXPECT_EQ(c.records, want);
  EXPECT_TRUE(c.events.empty());
}

TEST(QemuWire, MemorySyscallsBecomeEventsAndFailedOnesNothing) {
  Stream s;
  s.frame(100, 100)
      .syscall(9, {0, 8192, 3, 0x22}, static_cast<int64_t>(kBase))  // mmap
      .syscall(9, {0, 8192, 3, 0x22}, -12)                          // mmap failing: ENOMEM
      .syscall(10, {kBase, 4096, 1}, 0)                             // mprotect
      .syscall(25, {kBase, 8192, 16384, 1}, static_cast<int64_t>(kBase + 0x10000))  // mremap
      .syscall(28, {kBase, 4096, 4}, 0)          // madvise DONTNEED
      .syscall(11, {kBase + 0x10000, 16384}, 0)  // munmap
      .syscall(11, {kBase, 4096}, -22)           // munmap failing
      .end_frame();
  const Collect c = decode(s.bytes);
  const std::vector<SpaceEvent> want{
      {.kind = SpaceEventKind::kMmap, .addr = kBase, .length = 8192, .prot = 3, .flags = 0x22},
      {.kind = SpaceEventKind::kMprotect, .addr = kBase, .length = 4096, .prot = 1},
      {.kind = SpaceEventKind::kMremap,
       .addr = kBase + 0x10000,
       .length = 16384,
       .old_addr = kBase,
       .old_length = 8192},
      {.kind = SpaceEventKind::kMadvise, .addr = kBase, .length = 4096, .flags = 4},
      {.kind = SpaceEventKind::kMunmap, .addr = kBase + 0x10000, .length = 16384}};
  EXPECT_EQ(c.events, want);
}

TEST(QemuWire, BrkReportsTheOldAndNewBreakOnceItMoves) {
  Stream s;
  s.frame(100, 100)
      .syscall(12, {0}, 0x500000)         // brk(0): where the break is
      .syscall(12, {0x521000}, 0x521000)  // moved
      .syscall(12, {0x521000}, 0x521000)  // not moved: nothing
      .end_frame();
  const Collect c = decode(s.bytes);
  const std::vector<SpaceEvent> want{
      {.kind = SpaceEventKind::kBrk, .addr = 0x521000, .old_addr = 0x500000}};
  EXPECT_EQ(c.events, want);
}

TEST(QemuWire, ForkedChildGetsTheNextPidAndItsRecordsCarryIt) {
  Stream s;
  s.frame(100, 100).access(MVQ_READ, 4, 0x1000).syscall(57, {}, 200).end_frame();
  s.frame(200, 200, 100).access(MVQ_WRITE, 4, 0x2000).syscall(231, {}, 0).end_frame();
  s.frame(100, 100).access(MVQ_READ, 4, 0x3000).end_frame();
  const Collect c = decode(s.bytes);
  ASSERT_EQ(c.records.size(), 3u);
  EXPECT_EQ(c.records[0].pid, 0u);
  EXPECT_EQ(c.records[1].pid, 1u);
  EXPECT_EQ(c.records[2].pid, 0u);
  const std::vector<SpaceEvent> want{{.kind = SpaceEventKind::kFork, .pid = 0, .child = 1},
                                     {.kind = SpaceEventKind::kExit, .pid = 1}};
  EXPECT_EQ(c.events, want);
}

TEST(QemuWire, ChildWritingBeforeItsParentReturnsIsForkedOnce) {
  Stream s;
  s.frame(100, 100).access(MVQ_READ, 4, 0x1000).end_frame();
  s.frame(200, 200, 100).access(MVQ_WRITE, 4, 0x2000).end_frame();
  s.frame(100, 100).syscall(56, {0x11}, 200).end_frame();  // clone without CLONE_VM: a fork
  const Collect c = decode(s.bytes);
  const std::vector<SpaceEvent> want{{.kind = SpaceEventKind::kFork, .pid = 0, .child = 1}};
  EXPECT_EQ(c.events, want);
  EXPECT_EQ(c.records[1].pid, 1u);
}

TEST(QemuWire, CloneThreadIsAThreadOfTheSameProcess) {
  Stream s;
  s.frame(100, 100).syscall(56, {0x3d0f00}, 101).end_frame();  // CLONE_VM | CLONE_THREAD | ...
  s.frame(100, 101).access(MVQ_READ, 8, 0x1000).entry(60).end_frame();  // the thread exits
  const Collect c = decode(s.bytes);
  const std::vector<SpaceEvent> want{{.kind = SpaceEventKind::kThread, .pid = 0, .child = 101},
                                     {.kind = SpaceEventKind::kExit, .pid = 0, .child = 101}};
  EXPECT_EQ(c.events, want);
  ASSERT_EQ(c.records.size(), 1u);
  EXPECT_EQ(c.records[0].pid, 0u);
}

TEST(QemuWire, ExecThatReturnedFailedAndOneThatDidNotSucceeded) {
  Stream s;
  s.frame(100, 100).entry(59).end_frame();
  s.frame(100, 100).ret(59, -2).entry(59).end_frame();  // ENOENT, then a second try
  const Collect c = decode(s.bytes);
  const std::vector<SpaceEvent> want{{.kind = SpaceEventKind::kExec, .pid = 0}};
  EXPECT_EQ(c.events, want);
}

TEST(QemuWire, RefusesAnotherFormatAtByteZero) {
  const std::vector<uint8_t> bytes{'M', 'V', 'T', '1', 0, 0, 0, 0};
  const auto [offset, message] = failure(bytes);
  EXPECT_EQ(offset, 0u);
  EXPECT_NE(message.find("expected the QEMU plugin's stream header"), std::string::npos);
}

TEST(QemuWire, RefusesAnEmptyStream) {
  const auto [offset, message] = failure({});
  EXPECT_EQ(offset, 0u);
  EXPECT_NE(message.find("wrote nothing"), std::string::npos) << message;
}

TEST(QemuWire, RefusesATruncatedFrameAtItsEnd) {
  Stream s;
  s.frame(100, 100).access(MVQ_READ, 4, 0x1000).access(MVQ_READ, 4, 0x2000).end_frame();
  s.bytes.pop_back();
  const auto [offset, message] = failure(s.bytes);
  EXPECT_EQ(offset, s.bytes.size());
  EXPECT_NE(message.find("cut short"), std::string::npos) << message;
}

TEST(QemuWire, RefusesARecordRunningPastItsFrame) {
  Stream s;
  s.frame(100, 100).access(MVQ_READ, 4, 0x1000).access(MVQ_READ, 4, kBase).end_frame();
  // Shorten the frame by one byte: its last record's address now ends beyond it.
  s.bytes[MVQ_STREAM_HEADER] = static_cast<uint8_t>(s.bytes[MVQ_STREAM_HEADER] - 1);
  s.bytes.pop_back();
  const uint64_t last_record = MVQ_STREAM_HEADER + MVQ_FRAME_HEADER + 3;  // after 1 tag + 2
  const auto [offset, message] = failure(s.bytes);
  EXPECT_EQ(offset, last_record);
  EXPECT_NE(message.find("past the end of its frame"), std::string::npos) << message;
}

TEST(QemuWire, RefusesAnUnknownControlRecordNamingItsByte) {
  Stream s;
  s.frame(100, 100).access(MVQ_READ, 4, 0x1000).end_frame();
  s.bytes.push_back(0);  // stray bytes after the frame: a frame header of zero length
  s.bytes.insert(s.bytes.end(), 15, 0);
  const auto [offset, message] = failure(s.bytes);
  EXPECT_EQ(offset, s.bytes.size() - 16);
  EXPECT_NE(message.find("frame length 0"), std::string::npos) << message;

  Stream t;
  t.frame(100, 100).access(MVQ_READ, 4, 0x1000).end_frame();
  t.bytes.push_back(MVQ_CONTROL | 9 << 2);
  t.bytes[MVQ_STREAM_HEADER] = static_cast<uint8_t>(t.bytes[MVQ_STREAM_HEADER] + 1);
  const auto [offset2, message2] = failure(t.bytes);
  EXPECT_EQ(offset2, t.bytes.size() - 1);
  EXPECT_NE(message2.find("unknown control record 9"), std::string::npos) << message2;
}

TEST(QemuWire, RefusesAZeroAccessSize) {
  Stream s;
  s.frame(100, 100);
  s.bytes.push_back(MVQ_READ);  // size 0 inline: a varint size follows, and it is 0
  s.bytes.push_back(0);
  s.bytes.push_back(0);
  s.end_frame();
  const auto [offset, message] = failure(s.bytes);
  EXPECT_EQ(offset, MVQ_STREAM_HEADER + MVQ_FRAME_HEADER);
  EXPECT_NE(message.find("access size 0"), std::string::npos) << message;
}

}  // namespace
}  // namespace memvirt
