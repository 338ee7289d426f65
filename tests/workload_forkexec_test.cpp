// The forkexec generator: a shell forking, execing and reaping one child after another.
#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "support/spec_errors.hpp"
#include "support/workload_streams.hpp"
#include "workload/forkexec.hpp"
#include "workload/process_events.hpp"

namespace memvirt {
namespace {

using namespace test;

constexpr uint64_t kBase = kWorkloadRegionBase;

void expect_event(const Event& e, EventKind kind, uint32_t pid, uint64_t addr = 0,
                  uint64_t length = 0) {
  EXPECT_EQ(e.kind, kind);
  EXPECT_EQ(e.pid, pid);
  EXPECT_EQ(e.addr.raw(), addr);
  EXPECT_EQ(e.length, length);
}

TEST(WorkloadForkExec, SmallSpecHasExactlyTheExpectedEvents) {
  const std::vector<Event> ev = stream("forkexec:n=2,ws=8KiB");
  // Set-up: the shell's mmap and 2 page writes; each cycle: fork, switch, exec, mmap, 2 page
  // writes, exit, switch back and one shell write.
  ASSERT_EQ(ev.size(), 3u + 2 * 9);
  expect_event(ev[0], EventKind::kMmap, 0, kBase, 8192);
  EXPECT_EQ(ev[0].prot, kProtRead | kProtWrite);
  expect_event(ev[1], EventKind::kWrite, 0, kBase);
  expect_event(ev[2], EventKind::kWrite, 0, kBase + 4096);
  for (size_t c = 0; c < 2; ++c) {
    const size_t at = 3 + 9 * c;
    expect_event(ev[at], EventKind::kFork, 0);
    EXPECT_EQ(ev[at].child, 1u);
    expect_event(ev[at + 1], EventKind::kSwitch, 1);
    expect_event(ev[at + 2], EventKind::kExec, 1);
    expect_event(ev[at + 3], EventKind::kMmap, 1, kBase, 8192);
    expect_event(ev[at + 4], EventKind::kWrite, 1, kBase);
    expect_event(ev[at + 5], EventKind::kWrite, 1, kBase + 4096);
    expect_event(ev[at + 6], EventKind::kExit, 1);
    expect_event(ev[at + 7], EventKind::kSwitch, 0);
    expect_event(ev[at + 8], EventKind::kWrite, 0, kBase + 4096 * c);  // shell page c mod 2
  }
}

TEST(WorkloadForkExec, CountsScaleWithCyclesAndPages) {
  const std::vector<Event> ev = stream("forkexec:n=5,ws=12KiB");
  EXPECT_EQ(ev.size(), 4u + 5 * (7 + 3));
  EXPECT_EQ(count_kind(ev, EventKind::kFork), 5u);
  EXPECT_EQ(count_kind(ev, EventKind::kExec), 5u);
  EXPECT_EQ(count_kind(ev, EventKind::kExit), 5u);
  EXPECT_EQ(count_kind(ev, EventKind::kSwitch), 10u);
  EXPECT_EQ(count_kind(ev, EventKind::kMmap), 6u);
  EXPECT_EQ(count_kind(ev, EventKind::kWrite), 3u + 5 * 4);
  EXPECT_EQ(count_kind(ev, EventKind::kRead), 0u);
  EXPECT_EQ(ev.back().addr.raw(), kBase + 4096);  // cycle 4 writes shell page 4 mod 3
}

TEST(WorkloadForkExec, RegionsRoundUpToTheContextPageSize) {
  const std::vector<Event> ev = stream("forkexec:n=1,ws=1", PageSize::k2M);
  ASSERT_EQ(ev.size(), 2u + 8);
  expect_event(ev[0], EventKind::kMmap, 0, kBase, uint64_t{2} << 20);
  EXPECT_EQ(ev[0].page, PageSize::k2M);
  expect_event(ev[5], EventKind::kMmap, 1, kBase, uint64_t{2} << 20);
  EXPECT_EQ(ev[5].page, PageSize::k2M);
}

TEST(WorkloadForkExec, StreamIgnoresTheSeedAndTheBatchSize) {
  const char* spec = "forkexec:n=7,ws=20KiB";
  const auto whole = fields(stream(spec, PageSize::k4K, 1, 4096));
  EXPECT_EQ(whole.size(), 6u + 7 * 12);
  EXPECT_EQ(fields(stream(spec, PageSize::k4K, 1, 1)), whole);
  EXPECT_EQ(fields(stream(spec, PageSize::k4K, 1, 5)), whole);
  EXPECT_EQ(fields(stream(spec, PageSize::k4K, 42, 9)), whole);
}

TEST(WorkloadForkExec, RunsInEveryModeWithOneCopyOnWriteFaultPerCycle) {
  for (PagingMode mode : kAllModes) {
    const auto m = run_spec("forkexec:n=6,ws=16KiB", mode);
    const RunResult r = m->result();
    const KernelStats& k = m->kernel().stats();
    EXPECT_EQ(r.segfaults, 0u) << paging_mode_name(mode);
    EXPECT_EQ(r.accesses, 4u + 6 * 5) << paging_mode_name(mode);
    EXPECT_EQ(k.cow_faults, 6u) << paging_mode_name(mode);
    EXPECT_EQ(k.demand_faults, 4u + 6 * 4) << paging_mode_name(mode);
    EXPECT_FALSE(m->kernel().has_process(1)) << paging_mode_name(mode);
    EXPECT_EQ(k.data_bytes, 16384u) << paging_mode_name(mode);  // the shell's pages alone
  }
}

TEST(WorkloadForkExecSpec, DefaultsKeysAndCanonicalText) {
  EXPECT_EQ(parse_workload_spec("forkexec"), WorkloadSpec(ForkExecSpec{}));
  EXPECT_EQ(format_workload_spec(parse_workload_spec("forkexec")), "forkexec:n=100,ws=1MiB");
  const auto s = std::get<ForkExecSpec>(parse_workload_spec("forkexec:ws=5000,n=3"));
  EXPECT_EQ(s, (ForkExecSpec{.n = 3, .ws = 5000}));
  EXPECT_EQ(parse_workload_spec(format_workload_spec(s)), WorkloadSpec(s));
  EXPECT_EQ(workload_name(s), "forkexec");
  EXPECT_EQ(working_set_bytes(s), 10000u);
}

TEST(WorkloadForkExecSpec, BadValuesNameTheirKey) {
  expect_spec_error("forkexec:n=0", "n", "n: '0' is not allowed (at least 1 fork)");
  expect_spec_error("forkexec:n=-1", "n", "n: '-1' is not a whole number");
  expect_spec_error("forkexec:ws=0", "ws", "ws: '0' is not allowed (at least 1 byte)");
  expect_spec_error("forkexec:ws=65TiB", "ws", "ws: '65TiB' is above the limit of 64TiB");
  expect_spec_error("forkexec:ws=1Q", "ws", "ws: '1Q' is not a size");
  expect_spec_error("forkexec:steps=3", "steps",
                    "unknown key 'steps' for forkexec (valid keys: n, ws)");
  expect_spec_error("fork", "",
                    "unknown workload 'fork' (known: listwalk, random, churn, "
                    "ctxswitch, forkexec, trace)");
}

TEST(WorkloadForkExecSpec, UnparsedBadSpecsAreRefused) {
  EXPECT_THROW(ForkExec(ForkExecSpec{.ws = 0}, WorkloadContext{}), std::invalid_argument);
}

}  // namespace
}  // namespace memvirt
