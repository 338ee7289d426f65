// The ChampSim reader turns 64-byte instruction records into references exactly, plain or
// xz-compressed, and names the byte where a damaged trace goes wrong.
#include <gtest/gtest.h>
#include <lzma.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "support/trace_samples.hpp"
#include "workload/trace/champsim_reader.hpp"
#include "workload/trace/open_trace.hpp"
#include "workload/trace/xz_source.hpp"

namespace memvirt {
namespace {

using test::error_offset;
using test::read_all;
using test::reader_over;

struct Instr {
  uint64_t ip = 0;
  uint8_t is_branch = 0;
  uint8_t taken = 0;
  uint64_t dst[2] = {0, 0};
  uint64_t src[4] = {0, 0, 0, 0};
};

// ChampSim's input_instr, laid out byte by byte as its tracer writes it.
std::string record_bytes(const Instr& in) {
  std::string b(64, '\0');
  std::memcpy(b.data(), &in.ip, 8);
  b[8] = static_cast<char>(in.is_branch);
  b[9] = static_cast<char>(in.taken);
  b[10] = 1;  // destination_registers and source_registers: not used by the reader
  b[12] = 2;
  std::memcpy(b.data() + 16, in.dst, 16);
  std::memcpy(b.data() + 32, in.src, 32);
  return b;
}

std::string sample() {
  return record_bytes({.ip = 0x401000, .src = {0x7ffd1000, 0, 0x602040, 0}}) +
         record_bytes({.ip = 0x401004, .is_branch = 1, .taken = 1}) +
         record_bytes({.ip = 0x401010, .dst = {0x602048, 0}, .src = {0x7ffd1008, 0, 0, 0}});
}

const std::vector<TraceRecord> kExpected{
    {0x401000, 0, 0, TraceKind::kExecute}, {0x7ffd1000, 0, 0, TraceKind::kRead},
    {0x602040, 0, 0, TraceKind::kRead},    {0x401004, 0, 0, TraceKind::kExecute},
    {0x401010, 0, 0, TraceKind::kExecute}, {0x7ffd1008, 0, 0, TraceKind::kRead},
    {0x602048, 0, 0, TraceKind::kWrite},
};

std::string xz(const std::string& plain) {
  std::string out(plain.size() + 1024, '\0');
  size_t pos = 0;
  const lzma_ret r = lzma_easy_buffer_encode(
      6, LZMA_CHECK_CRC64, nullptr, reinterpret_cast<const uint8_t*>(plain.data()), plain.size(),
      reinterpret_cast<uint8_t*>(out.data()), &pos, out.size());
  EXPECT_EQ(r, LZMA_OK);
  out.resize(pos);
  return out;
}

TEST(TraceChampSim, ParsesHandMadeRecordsExactly) {
  const std::string bytes = sample();
  auto r = reader_over<ChampSimReader>(bytes);
  EXPECT_EQ(read_all(*r), kExpected);
  auto one_by_one = reader_over<ChampSimReader>(bytes);
  EXPECT_EQ(read_all(*one_by_one, 1), kExpected);
}

TEST(TraceChampSim, XzCompressedTraceIsDetectedAndReadTheSame) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("memvirt-champsim-" + std::to_string(::getpid()) + ".trace.xz");
  std::ofstream(path, std::ios::binary) << xz(sample());
  EXPECT_EQ(detect_trace_format(path.string()), TraceSpec::Format::kChampSim);
  auto r = open_trace(path.string(), TraceSpec::Format::kAuto);
  EXPECT_EQ(read_all(*r), kExpected);
  std::filesystem::remove(path);
}

TEST(TraceChampSim, CorruptRecordsFailAtTheirByte) {
  std::string message;
  EXPECT_EQ(error_offset<ChampSimReader>(sample().substr(0, 64 + 10), &message), 64);
  EXPECT_NE(message.find("truncated record"), std::string::npos) << message;
  std::string bad_branch = sample();
  bad_branch[64 + 8] = 2;
  EXPECT_EQ(error_offset<ChampSimReader>(bad_branch, &message), 72);
  EXPECT_NE(message.find("0 or 1"), std::string::npos) << message;
  const std::string bad_address =
      sample() + record_bytes({.ip = 0x401020, .src = {0, 0, 0, 0x0123456789abcdef}});
  EXPECT_EQ(error_offset<ChampSimReader>(bad_address, &message), 3 * 64 + 32 + 24);
  EXPECT_NE(message.find("address overflow"), std::string::npos) << message;
}

TEST(TraceChampSim, CorruptXzFailsWithATraceError) {
  std::string packed = xz(sample());
  packed[packed.size() / 2] = static_cast<char>(packed[packed.size() / 2] ^ 0x55);
  auto r = std::make_unique<ChampSimReader>(
      std::make_unique<XzSource>(std::make_unique<MemorySource>(test::as_bytes(packed))));
  EXPECT_THROW(read_all(*r), TraceError);
  const std::string truncated = xz(sample()).substr(0, 40);
  auto t = std::make_unique<ChampSimReader>(
      std::make_unique<XzSource>(std::make_unique<MemorySource>(test::as_bytes(truncated))));
  EXPECT_THROW(read_all(*t), TraceError);
}

std::vector<TraceRecord> read_xz(const std::string& packed) {
  auto r = std::make_unique<ChampSimReader>(
      std::make_unique<XzSource>(std::make_unique<MemorySource>(test::as_bytes(packed))));
  return read_all(*r);
}

TEST(TraceChampSim, ConcatenatedAndPaddedXzStreamsAreReadWhole) {
  const size_t one = read_xz(xz(sample())).size();
  ASSERT_GT(one, 0u);
  EXPECT_EQ(read_xz(xz(sample()) + std::string(8, '\0') + xz(sample())).size(), 2 * one);
  EXPECT_EQ(read_xz(xz(sample()) + std::string(4, '\0')).size(), one);
}

TEST(TraceChampSim, BytesAfterTheXzStreamAreCalledThatNotATruncation) {
  const std::string packed = xz(sample());
  try {
    read_xz(packed + "GARBAGE");
    ADD_FAILURE() << "accepted trailing bytes";
  } catch (const TraceError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("byte " + std::to_string(packed.size())), std::string::npos) << what;
    EXPECT_NE(what.find("after the end of the xz stream"), std::string::npos) << what;
    EXPECT_EQ(what.find("truncated"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace memvirt
