// Runs that cannot fit are refused before they start, and a run that exhausts memory says which
// memory ran out and what to change, with exit 1: never an abort, and never a crash in teardown.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <new>
#include <string>

#include "memory/host_memory.hpp"
#include "sim/engine.hpp"
#include "sim/error_text.hpp"
#include "support/run_binary.hpp"
#include "workload/spec.hpp"
#include "support/text_contains.hpp"

namespace memvirt {
namespace {

using test::Outcome;
using test::run_memvirt;

using test::contains;

TEST(RunLimits, AWorkingSetLargerThanTheMachinesMemoryIsRefusedBeforeRunning) {
  const Outcome o = run_memvirt(
      {"sim", "--cpu", "none", "--mode", "nested", "--workload", "random:ws=64TiB,steps=1000"});
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_TRUE(contains(o.err, "workload random maps 64TiB at one time, more than each VM's "
                              "memory (256GiB)"))
      << o.err;
  const Outcome f = run_memvirt({"sim", "--mode", "native", "--workload", "forkexec:n=1,ws=64TiB"});
  EXPECT_EQ(f.exit_code, 2) << f.err;
  EXPECT_TRUE(contains(f.err, "native mode: workload forkexec maps 128TiB")) << f.err;
}

TEST(RunLimits, SimulateRefusesAnOversizedWorkloadToo) {
  SimConfig config;
  config.mode = PagingMode::kNested;
  EXPECT_THROW(simulate(config, parse_workload_spec("listwalk:ws=300GiB,steps=10")),
               std::invalid_argument);
}

TEST(RunLimits, PvWithKvmIsAUsageErrorBeforeAnyWork) {
  const Outcome o =
      run_memvirt({"sim", "--mode", "pv", "--model", "kvm", "--workload", "listwalk:ws=1MiB"});
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_TRUE(contains(o.err, "usage error: pv mode is Xen's paravirtual paging")) << o.err;
}

TEST(RunLimits, ASweepWithAConfigurationThatCannotRunWritesNoFile) {
  const std::filesystem::path out = test::scratch_file("sweep-pv-kvm") += ".json";
  const Outcome o = run_memvirt({"sweep", "--workload", "listwalk:ws=1MiB,steps=100", "--mode",
                                 "native,pv", "--model", "kvm", "-o", out.string()});
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_TRUE(contains(o.err, "configuration 1 (")) << o.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(RunLimits, ExhaustedSimulatorMemoryIsAnErrorNamingItNotAnAbort) {
  EXPECT_TRUE(contains(error_text(std::bad_alloc()), "out of memory: the simulator's own state"));
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves more address space than `ulimit -v` leaves; this "
                  "check runs in the Release build";
#else
  // Random 4 KiB pages over 200 GiB from the first touch: nearly every step adds a guest page
  // table, an EPT table and a host table (12 KiB), far beyond 300 MiB within a second.
  const Outcome o = test::run_memvirt_in_memory(
      {"sim", "--cpu", "none", "--mode", "nested", "--warmup", "0", "--workload",
       "random:ws=200GiB,steps=20000000"},
      300 * 1024);
  EXPECT_EQ(o.exit_code, 1) << o.err;
  EXPECT_TRUE(contains(o.err, "nested mode: out of memory: the simulator's own state")) << o.err;
  EXPECT_FALSE(contains(o.err, "terminate")) << o.err;
#endif
}

TEST(RunLimits, ARetiredHostMemoryNeitherFreesNorClears) {
  HostMemory mem(HostMemoryConfig{uint64_t{1} << 30});
  const HostPhys frame = mem.allocate(PageSize::k4K, FrameRole::kGuestPageTable);
  mem.write(frame, 42);
  mem.retire();
  mem.free(frame, PageSize::k4K, FrameRole::kGuestPageTable);
  mem.clear(frame, PageSize::k4K);
  EXPECT_EQ(mem.read(frame), 42u);
  EXPECT_EQ(mem.bytes_in_use(), 4096u);
}

std::filesystem::path lackey_trace() {
  const std::filesystem::path path = test::scratch_file("stdin-trace") += ".lackey";
  std::ofstream out(path);
  for (int i = 0; i < 64; ++i) out << " L " << std::hex << 0x10000000 + i * 4096 << ",8\n";
  return path;
}

TEST(RunLimits, ATraceOnStdinWithSeveralModesIsRefusedNotSilentlyEmpty) {
  const std::filesystem::path trace = lackey_trace();
  const Outcome o = test::run_memvirt_reading(
      {"sim", "--workload", "trace:-,format=lackey", "--json", "-"}, trace);
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_TRUE(contains(o.err, "is read as it comes (stdin or a pipe) and can feed one run, but 3 "
                              "runs would read it"))
      << o.err;
  const Outcome vms = test::run_memvirt_reading(
      {"sim", "--workload", "trace:-,format=lackey", "--mode", "nested", "--vms", "2"}, trace);
  EXPECT_EQ(vms.exit_code, 2) << vms.err;
  std::filesystem::remove(trace);
}

TEST(RunLimits, ATraceFromAFifoWithSeveralModesIsRefusedWithoutWaitingOnIt) {
  const std::filesystem::path fifo = test::scratch_file("trace-fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Nothing writes to the FIFO: opening it would block, so the refusal must come before.
  const Outcome o = run_memvirt({"sim", "--workload", "trace:" + fifo.string() + ",format=lackey"});
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_TRUE(contains(o.err, "is read as it comes")) << o.err;
  std::filesystem::remove(fifo);
}

TEST(RunLimits, ATraceOnStdinFeedsOneModeWhole) {
  const std::filesystem::path trace = lackey_trace();
  const Outcome o = test::run_memvirt_reading(
      {"sim", "--workload", "trace:-,format=lackey", "--mode", "shadow", "--json", "-"}, trace);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const nlohmann::json report = nlohmann::json::parse(o.out);
  EXPECT_EQ(report["results"][0]["accesses"].get<uint64_t>(), 64u);
  std::filesystem::remove(trace);
}

TEST(RunLimits, ASweepReadingStdinMoreThanOnceIsRefused) {
  const std::filesystem::path trace = lackey_trace();
  const std::filesystem::path out = test::scratch_file("sweep-stdin") += ".json";
  const Outcome o = test::run_memvirt_reading(
      {"sweep", "--workload", "trace:-,format=lackey", "--mode", "native,nested", "-o",
       out.string()},
      trace);
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_TRUE(contains(o.err, "configuration 1 (")) << o.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  std::filesystem::remove(trace);
}

}  // namespace
}  // namespace memvirt
