// The lackey reader parses valgrind's text exactly and names the byte where a bad line goes
// wrong.
#include <gtest/gtest.h>

#include "support/trace_samples.hpp"
#include "workload/trace/lackey_reader.hpp"

namespace memvirt {
namespace {

using test::error_offset;
using test::read_all;
using test::reader_over;

constexpr std::string_view kSample =
    "==4242== Lackey, an example Valgrind tool\n"
    "==4242== Command: /bin/true\n"
    "==4242== \n"
    "I  0401ab70,3\n"
    " S 1fff000708,8\n"
    " L 04a1f0c0,4\n"
    " M 1fff000700,16\n"
    "I  ffffffffff600000,15\n"
    "--4242-- a debug message\n"
    "==4242== Exit code:       0\n";

const std::vector<TraceRecord> kExpected{
    {0x0401ab70, 0, 3, TraceKind::kExecute},  {0x1fff000708, 0, 8, TraceKind::kWrite},
    {0x04a1f0c0, 0, 4, TraceKind::kRead},     {0x1fff000700, 0, 16, TraceKind::kRead},
    {0x1fff000700, 0, 16, TraceKind::kWrite}, {0xffffffffff600000, 0, 15, TraceKind::kExecute},
};

TEST(TraceLackey, ParsesEveryRecordKindAndSkipsValgrindLines) {
  auto r = reader_over<LackeyReader>(kSample);
  EXPECT_EQ(read_all(*r), kExpected);
}

TEST(TraceLackey, ModifySplitAcrossBatchesOfOne) {
  auto r = reader_over<LackeyReader>(kSample);
  EXPECT_EQ(read_all(*r, 1), kExpected);
}

TEST(TraceLackey, LastLineWithoutNewlineIsRead) {
  auto r = reader_over<LackeyReader>("I  10,1\n L 20,2");
  EXPECT_EQ(read_all(*r), (std::vector<TraceRecord>{{0x10, 0, 1, TraceKind::kExecute},
                                                    {0x20, 0, 2, TraceKind::kRead}}));
}

TEST(TraceLackey, LongValgrindLinesAreSkipped) {
  const std::string text = "==1== Command: " + std::string(5000, 'x') + "\nI  10,1\n";
  auto r = reader_over<LackeyReader>(text);
  EXPECT_EQ(read_all(*r), (std::vector<TraceRecord>{{0x10, 0, 1, TraceKind::kExecute}}));
}

TEST(TraceLackey, CorruptLinesFailAtTheirByte) {
  std::string message;
  // Line 2 starts at byte 8.
  EXPECT_EQ(error_offset<LackeyReader>("I  10,1\n X 10,1\n", &message), 8);
  EXPECT_NE(message.find("expected a lackey record"), std::string::npos) << message;
  // The 17th hex digit, at byte 8 + 3 + 16.
  EXPECT_EQ(error_offset<LackeyReader>("I  10,1\n L 10000000000000000,8\n", &message), 27);
  EXPECT_NE(message.find("address overflow"), std::string::npos) << message;
  EXPECT_EQ(error_offset<LackeyReader>(" S 10;8\n", &message), 5);
  EXPECT_NE(message.find("expected ','"), std::string::npos) << message;
  EXPECT_EQ(error_offset<LackeyReader>(" S 10,65536\n", &message), 10);
  EXPECT_NE(message.find("size overflow"), std::string::npos) << message;
  EXPECT_EQ(error_offset<LackeyReader>(" S 10,8 junk\n", &message), 7);
  EXPECT_EQ(error_offset<LackeyReader>(" S ,8\n", &message), 3);
  EXPECT_NE(message.find("expected a hex address"), std::string::npos) << message;
  EXPECT_EQ(error_offset<LackeyReader>("I  10,1\n" + std::string(300, 'I') + "\n", &message), 8);
  EXPECT_NE(message.find("bytes or more"), std::string::npos) << message;
}

TEST(TraceLackey, ErrorsNameTheSource) {
  std::string message;
  error_offset<LackeyReader>("bad\n", &message);
  EXPECT_EQ(message.rfind("sample: byte 0: ", 0), 0u) << message;
}

}  // namespace
}  // namespace memvirt
