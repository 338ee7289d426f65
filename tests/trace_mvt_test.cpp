// The .mvt writer and reader: every record comes back as written, any record can be reached
// through the block index, and damaged files fail at the byte where they go wrong.
#include <gtest/gtest.h>

#include <sstream>

#include "support/trace_samples.hpp"
#include "workload/rng.hpp"
#include "workload/trace/mvt_reader.hpp"
#include "workload/trace/mvt_writer.hpp"

namespace memvirt {
namespace {

using test::error_offset;
using test::read_all;
using test::reader_over;

constexpr size_t kHeaderBytes = 32;  // 13 fixed bytes, then "read", "write", "execute"

// Random records with small and huge address jumps, every size class and changing pids.
std::vector<TraceRecord> random_records(size_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<TraceRecord> out;
  uint64_t addr = 0x400000;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t r = rng.next_below(100);
    if (r < 5)
      addr = rng.next_u64();  // anywhere in 64 bits
    else if (r < 8)
      addr = r == 5 ? 0 : ~uint64_t{0};  // the extremes
    else
      addr += rng.next_below(4096) - 2048;
    const uint16_t size = r < 10 ? static_cast<uint16_t>(rng.next_below(65536))
                                 : static_cast<uint16_t>(rng.next_below(16));
    const uint32_t pid =
        r < 2 ? static_cast<uint32_t>(rng.next_u64()) : static_cast<uint32_t>(i / 500);
    out.push_back({addr, pid, size, static_cast<TraceKind>(rng.next_below(3))});
  }
  return out;
}

std::string encode(const std::vector<TraceRecord>& records, uint32_t block_records = 65536) {
  std::ostringstream out;
  MvtWriter w(out, true);
  w.set_block_records(block_records);
  for (const TraceRecord& r : records) w.write(r);
  w.finish();
  return std::move(out).str();
}

TEST(TraceMvt, RandomRecordsRoundTripWithLargeDeltas) {
  const auto records = random_records(20000, 7);
  const std::string bytes = encode(records, 1000);
  auto r = reader_over<MvtReader>(bytes);
  EXPECT_TRUE(r->has_pids());
  EXPECT_EQ(read_all(*r, 333), records);
  const std::string one_block = encode(records);
  EXPECT_EQ(read_all(*reader_over<MvtReader>(one_block), 4096), records);
}

TEST(TraceMvt, EmptyTraceHasNoRecords) {
  const std::string bytes = encode({});
  auto r = reader_over<MvtReader>(bytes);
  EXPECT_EQ(r->total_records(), 0u);
  EXPECT_TRUE(read_all(*r).empty());
}

TEST(TraceMvt, SeekRecordSkipsToAnyBlockThroughTheIndex) {
  const auto records = random_records(5000, 3);
  const std::string bytes = encode(records, 128);
  auto r = reader_over<MvtReader>(bytes);
  EXPECT_EQ(r->total_records(), 5000u);
  for (uint64_t n : {4999u, 0u, 128u, 127u, 2500u, 4096u}) {
    r->seek_record(n);
    std::vector<TraceRecord> buf(3);
    const size_t got = r->read(buf);
    ASSERT_EQ(got, std::min<size_t>(3, 5000 - n)) << n;
    for (size_t i = 0; i < got; ++i) EXPECT_EQ(buf[i], records[n + i]) << n;
  }
  r->seek_record(4000);
  EXPECT_EQ(read_all(*r), std::vector<TraceRecord>(records.begin() + 4000, records.end()));
  r->seek_record(5000);
  EXPECT_TRUE(read_all(*r).empty());
}

TEST(TraceMvt, BadHeaderFailsAtItsByte) {
  const std::string good = encode(random_records(10, 1));
  std::string message;
  EXPECT_EQ(error_offset<MvtReader>("not a trace at all", &message), 0);
  EXPECT_NE(message.find("bad magic"), std::string::npos) << message;
  std::string version = good;
  version[8] = 9;
  EXPECT_EQ(error_offset<MvtReader>(version, &message), 8);
  EXPECT_NE(message.find("unsupported version 9"), std::string::npos) << message;
  std::string kind = good;
  kind.replace(14, 4, "jump");  // the first kind name, after its length byte at 13
  EXPECT_EQ(error_offset<MvtReader>(kind, &message), 13);
  EXPECT_NE(message.find("unknown record kind 'jump'"), std::string::npos) << message;
}

TEST(TraceMvt, TruncatedFilesFailWhereTheBytesEnd) {
  const std::string good = encode(random_records(3000, 2), 1000);
  std::string message;
  // Inside the first block's compressed data: the error is at the end of what is there.
  const size_t cut = kHeaderBytes + 16 + 10;
  EXPECT_EQ(error_offset<MvtReader>(good.substr(0, cut), &message), static_cast<int64_t>(cut));
  EXPECT_NE(message.find("truncated file: expected the compressed block"), std::string::npos)
      << message;
  // Right after the header: a block or the index was expected.
  EXPECT_EQ(error_offset<MvtReader>(good.substr(0, kHeaderBytes), &message), kHeaderBytes);
  // In the middle of the trailer.
  EXPECT_EQ(error_offset<MvtReader>(good.substr(0, good.size() - 4), &message),
            static_cast<int64_t>(good.size() - 4));
  EXPECT_NE(message.find("expected the trailer"), std::string::npos) << message;
  for (size_t n = 0; n < good.size(); n += 97) {
    EXPECT_GE(error_offset<MvtReader>(good.substr(0, n)), 0) << n;
  }
}

TEST(TraceMvt, DamagedBlocksFailAtTheBlock) {
  const std::string good = encode(random_records(3000, 4), 1000);
  std::string message;
  std::string tag = good;
  tag[kHeaderBytes] = 'X';
  EXPECT_EQ(error_offset<MvtReader>(tag, &message), kHeaderBytes);
  EXPECT_NE(message.find("expected a block (MVB1)"), std::string::npos) << message;
  std::string count = good;
  count[kHeaderBytes + 6] = 0x7f;  // 0x7f0000 + ... records
  EXPECT_EQ(error_offset<MvtReader>(count, &message), kHeaderBytes + 4);
  std::string data = good;
  data[kHeaderBytes + 16 + 20] ^= 0x40;
  EXPECT_EQ(error_offset<MvtReader>(data, &message), kHeaderBytes + 16);
  EXPECT_NE(message.find("corrupt block"), std::string::npos) << message;
}

}  // namespace
}  // namespace memvirt
