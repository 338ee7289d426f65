// A trace's records at or above 2^47 cannot be simulated with 4-level tables: they are left out,
// and the count is reported (JSON, and a note or warning), and a trace of nothing else fails.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/run_binary.hpp"

namespace memvirt {
namespace {

using test::Outcome;
using test::run_memvirt;

// `kernel` records in the kernel half, then `user` records below 2^47, in lackey's text form.
std::filesystem::path lackey_trace(int kernel, int user) {
  const std::filesystem::path path = test::scratch_file("skipped") += ".lackey";
  std::ofstream out(path);
  for (int i = 0; i < kernel; ++i) out << " L " << std::hex << 0xffffffff81000000 + i * 64 << ",8\n";
  for (int i = 0; i < user; ++i) out << " L " << std::hex << 0x10000000 + i * 64 << ",8\n";
  return path;
}

TEST(TraceSkippedRecords, AreCountedInTheJsonAndWarnedOfWhenMany) {
  const std::filesystem::path trace = lackey_trace(50, 50);
  const Outcome o =
      run_memvirt({"sim", "--workload", "trace:" + trace.string(), "--mode", "native,nested",
                   "--json", "-"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const nlohmann::json report = nlohmann::json::parse(o.out);
  for (const auto& row : report["results"]) {
    EXPECT_EQ(row["trace_skipped_records"].get<uint64_t>(), 50u);
    EXPECT_EQ(row["accesses"].get<uint64_t>(), 50u);
  }
  EXPECT_NE(o.err.find("warning: 50 of the trace's records (50.00%) are at or above 2^47"),
            std::string::npos)
      << o.err;
  std::filesystem::remove(trace);
}

TEST(TraceSkippedRecords, ATraceOfOnlyKernelAddressesIsAnError) {
  const std::filesystem::path trace = lackey_trace(20, 0);
  const Outcome o = run_memvirt({"sim", "--workload", "trace:" + trace.string()});
  EXPECT_EQ(o.exit_code, 1) << o.err;
  EXPECT_NE(o.err.find("all 20 of the trace's records are at or above 2^47"), std::string::npos)
      << o.err;
  std::filesystem::remove(trace);
}

TEST(TraceSkippedRecords, GeneratedWorkloadsCarryNoSuchKey) {
  const Outcome o = run_memvirt(
      {"sim", "--workload", "listwalk:ws=16KiB,steps=100", "--mode", "native", "--json", "-"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_FALSE(nlohmann::json::parse(o.out)["results"][0].contains("trace_skipped_records"));
}

}  // namespace
}  // namespace memvirt
