// ChampSim's CloudSuite variant: 96-byte records with four destinations and the fetch and data
// ASIDs, which become the records' pids; chosen by format=champsim-cloudsuite or by a file
// name containing "cloudsuite".
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "support/trace_samples.hpp"
#include "workload/trace/champsim_reader.hpp"
#include "workload/trace/open_trace.hpp"

namespace memvirt {
namespace {

using test::read_all;

struct CloudInstr {
  uint64_t ip = 0;
  uint64_t dst[4] = {0, 0, 0, 0};
  uint64_t src[4] = {0, 0, 0, 0};
  uint8_t asid[2] = {255, 255};
};

// ChampSim's cloudsuite_instr as its compiler lays it out: ip, the branch bytes, 4 + 4
// register bytes, padding to 24, four destinations, four sources, the two ASIDs, padding to 96.
std::string cloud_bytes(const CloudInstr& in) {
  std::string b(96, '\0');
  std::memcpy(b.data(), &in.ip, 8);
  b[10] = 3;  // a destination register: not used by the reader
  std::memcpy(b.data() + 24, in.dst, 32);
  std::memcpy(b.data() + 56, in.src, 32);
  b[88] = static_cast<char>(in.asid[0]);
  b[89] = static_cast<char>(in.asid[1]);
  return b;
}

std::string cloud_sample() {
  return cloud_bytes({.ip = 0x401000, .dst = {0, 0, 0, 0x602058}, .src = {0x7ffd1000}, .asid = {3, 4}}) +
         cloud_bytes({.ip = 0x401004, .src = {0, 0, 0, 0x602040}});  // no ASIDs: pid 0
}

const std::vector<TraceRecord> kCloudExpected{
    {0x401000, 3, 0, TraceKind::kExecute}, {0x7ffd1000, 4, 0, TraceKind::kRead},
    {0x602058, 4, 0, TraceKind::kWrite},   {0x401004, 0, 0, TraceKind::kExecute},
    {0x602040, 0, 0, TraceKind::kRead},
};

TEST(TraceCloudSuite, AsidsBecomePidsAndAllFourDestinationsAreRead) {
  const std::string bytes = cloud_sample();
  auto r = std::make_unique<ChampSimReader>(
      std::make_unique<MemorySource>(test::as_bytes(bytes), "sample"), kCloudSuiteLayout);
  EXPECT_EQ(read_all(*r, 2), kCloudExpected);
}

TEST(TraceCloudSuite, ATruncatedRecordNamesTheVariantsSize) {
  const std::string bytes = cloud_sample().substr(0, 96 + 64);
  auto r = std::make_unique<ChampSimReader>(
      std::make_unique<MemorySource>(test::as_bytes(bytes), "sample"), kCloudSuiteLayout);
  try {
    read_all(*r);
    FAIL() << "no error";
  } catch (const TraceError& e) {
    EXPECT_EQ(e.offset(), 96u);
    EXPECT_NE(std::string(e.what()).find("expected 96 bytes, found 64"), std::string::npos)
        << e.what();
  }
}

TEST(TraceCloudSuite, FormatIsGivenOrTakenFromTheName) {
  const auto dir = std::filesystem::temp_directory_path();
  const auto named = dir / ("memvirt-" + std::to_string(::getpid()) + "-cloudsuite.champsim");
  const auto plain = dir / ("memvirt-" + std::to_string(::getpid()) + "-web.champsim");
  std::ofstream(named, std::ios::binary) << cloud_sample();
  std::ofstream(plain, std::ios::binary) << cloud_sample();
  EXPECT_EQ(detect_trace_format(named.string()), TraceSpec::Format::kChampSimCloudSuite);
  EXPECT_EQ(read_all(*open_trace(named.string(), TraceSpec::Format::kAuto)), kCloudExpected);
  EXPECT_EQ(detect_trace_format(plain.string()), TraceSpec::Format::kChampSim);
  EXPECT_EQ(read_all(*open_trace(plain.string(), TraceSpec::Format::kChampSimCloudSuite)),
            kCloudExpected);
  EXPECT_EQ(parse_trace_format("champsim-cloudsuite"), TraceSpec::Format::kChampSimCloudSuite);
  std::filesystem::remove(named);
  std::filesystem::remove(plain);
}

}  // namespace
}  // namespace memvirt
