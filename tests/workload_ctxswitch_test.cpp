// The ctxswitch generator: processes taking turns over private and shared memory.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <variant>
#include <vector>

#include "support/spec_errors.hpp"
#include "support/workload_streams.hpp"
#include "workload/ctxswitch.hpp"
#include "workload/process_events.hpp"

namespace memvirt {
namespace {

using namespace test;

constexpr const char* kSmall = "ctxswitch:procs=3,ws=8KiB,shared=4KiB,quantum=5,steps=12";

TEST(WorkloadCtxSwitch, SetUpForksThenMapsPrivateAndSharedMemoryInEachProcess) {
  const std::vector<Event> ev = stream(kSmall);
  // 2 forks, 3 x 2 mmaps, 12 accesses in turns of 5, 5 and 2, with 2 switches between them.
  ASSERT_EQ(ev.size(), 2u + 6 + 12 + 2);
  for (uint32_t child : {1u, 2u}) {
    EXPECT_EQ(ev[child - 1].kind, EventKind::kFork);
    EXPECT_EQ(ev[child - 1].pid, 0u);
    EXPECT_EQ(ev[child - 1].child, child);
  }
  for (uint32_t pid = 0; pid < 3; ++pid) {
    const Event& own = ev[2 + 2 * pid];
    const Event& shared = ev[3 + 2 * pid];
    EXPECT_EQ(own.kind, EventKind::kMmap);
    EXPECT_EQ(own.pid, pid);
    EXPECT_EQ(own.addr.raw(), process_slot(pid));
    EXPECT_EQ(own.length, 8192u);
    EXPECT_EQ(own.region, 0u);
    EXPECT_EQ(shared.kind, EventKind::kMmap);
    EXPECT_EQ(shared.pid, pid);
    EXPECT_EQ(shared.addr.raw(), kSharedRegionAddr);
    EXPECT_EQ(shared.length, 4096u);
    EXPECT_EQ(shared.region, 1u);
    EXPECT_EQ(shared.prot, kProtRead | kProtWrite);
  }
}

TEST(WorkloadCtxSwitch, TurnsOfQuantumAccessesRoundRobinWithASwitchBetween) {
  const std::vector<Event> ev = stream(kSmall);
  ASSERT_EQ(ev.size(), 22u);
  std::string turns;  // after set-up: '0' + pid for an access, 'A' + pid for a switch to pid
  for (size_t i = 8; i < ev.size(); ++i) {
    if (ev[i].kind == EventKind::kSwitch) {
      turns += static_cast<char>('A' + ev[i].pid);
    } else {
      EXPECT_TRUE(is_access(ev[i].kind));
      turns += static_cast<char>('0' + ev[i].pid);
    }
  }
  EXPECT_EQ(turns, "00000B11111C22");
}

TEST(WorkloadCtxSwitch, AccessesAreWordsOfTheirOwnOrTheSharedRegion) {
  const std::vector<Event> ev = stream("ctxswitch:procs=4,ws=16KiB,shared=8KiB,quantum=7");
  size_t own = 0;
  size_t shared = 0;
  for (const Event& e : ev) {
    if (!is_access(e.kind)) continue;
    const uint64_t a = e.addr.raw();
    EXPECT_EQ(a % 8, 0u);
    if (a >= kSharedRegionAddr) {
      EXPECT_LT(a, kSharedRegionAddr + 8192);
      ++shared;
    } else {
      EXPECT_GE(a, process_slot(e.pid));
      EXPECT_LT(a, process_slot(e.pid) + 16384);
      ++own;
    }
  }
  EXPECT_EQ(own + shared, 100000u);
  EXPECT_NEAR(static_cast<double>(shared) / 100000, 1.0 / 3, 0.01);  // 8 KiB of 24 KiB
}

TEST(WorkloadCtxSwitch, WriteFractionDefaultsToOneEighthAndMovesNoAddress) {
  const std::vector<Event> some = stream("ctxswitch:procs=2,ws=64KiB,steps=40000");
  const std::vector<Event> none = stream("ctxswitch:procs=2,ws=64KiB,steps=40000,write=0");
  ASSERT_EQ(some.size(), none.size());
  EXPECT_NEAR(static_cast<double>(count_kind(some, EventKind::kWrite)) / 40000, 0.125, 0.01);
  EXPECT_EQ(count_kind(none, EventKind::kWrite), 0u);
  for (size_t i = 0; i < some.size(); ++i) EXPECT_EQ(some[i].addr, none[i].addr);
}

TEST(WorkloadCtxSwitch, NoSharedMemoryAndOneProcessLeaveTheirEventsOut) {
  const std::vector<Event> ev = stream("ctxswitch:procs=1,ws=4KiB,shared=0,quantum=3,steps=10");
  ASSERT_EQ(ev.size(), 11u);  // one mmap, ten accesses: nothing to fork, nothing to switch to
  EXPECT_EQ(ev[0].kind, EventKind::kMmap);
  EXPECT_EQ(ev[0].region, 0u);
  for (size_t i = 1; i < ev.size(); ++i) EXPECT_LT(ev[i].addr.raw(), process_slot(0) + 4096);
}

TEST(WorkloadCtxSwitch, SameSeedSameStreamAnyBatchSize) {
  const char* spec = "ctxswitch:procs=3,ws=64KiB,shared=16KiB,quantum=11,steps=3000";
  const auto whole = fields(stream(spec, PageSize::k4K, 5, 4096));
  EXPECT_EQ(whole.size(), 2u + 6 + 3000 + (3000 + 10) / 11 - 1);
  EXPECT_EQ(fields(stream(spec, PageSize::k4K, 5, 1)), whole);
  EXPECT_EQ(fields(stream(spec, PageSize::k4K, 5, 6)), whole);  // a switch ends some batches
  EXPECT_NE(fields(stream(spec, PageSize::k4K, 6, 4096)), whole);
}

TEST(WorkloadCtxSwitch, SharedFramesAreTheSameInEveryProcessInEveryMode) {
  constexpr uint32_t kProcs = 3;
  for (PagingMode mode : kAllModes) {
    const auto m = run_spec("ctxswitch:procs=3,ws=8KiB,shared=16KiB,quantum=50,steps=1200", mode);
    EXPECT_EQ(m->result().segfaults, 0u) << paging_mode_name(mode);
    EXPECT_EQ(m->result().accesses, 1200u) << paging_mode_name(mode);
    for (uint64_t page = 0; page < 4; ++page) {
      const GuestVirt va(kSharedRegionAddr + page * 4096 + 8);
      const auto first = m->kernel().lookup(0, va);
      ASSERT_TRUE(first.has_value()) << paging_mode_name(mode) << " page " << page;
      for (uint32_t pid = 1; pid < kProcs; ++pid) {
        const auto other = m->kernel().lookup(pid, va);
        ASSERT_TRUE(other.has_value()) << paging_mode_name(mode) << " pid " << pid;
        EXPECT_EQ(other->gpa, first->gpa) << paging_mode_name(mode) << " pid " << pid;
        EXPECT_EQ(composed(*m, pid, va), composed(*m, 0, va)) << paging_mode_name(mode);
      }
    }
    // The private pages are each process's own.
    std::set<uint64_t> own;
    for (uint32_t pid = 0; pid < kProcs; ++pid) {
      const auto g = m->kernel().lookup(pid, GuestVirt(process_slot(pid)));
      ASSERT_TRUE(g.has_value()) << paging_mode_name(mode);
      own.insert(g->gpa.raw());
    }
    EXPECT_EQ(own.size(), kProcs) << paging_mode_name(mode);
  }
}

TEST(WorkloadCtxSwitch, RunsWithHugePages) {
  const auto m = run_spec("ctxswitch:procs=2,ws=4MiB,shared=2MiB,quantum=100,steps=2000",
                          PagingMode::kNested, PageSize::k2M);
  EXPECT_EQ(m->result().segfaults, 0u);
  const auto a = m->kernel().lookup(0, GuestVirt(kSharedRegionAddr));
  const auto b = m->kernel().lookup(1, GuestVirt(kSharedRegionAddr));
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(a->size, PageSize::k2M);
  EXPECT_EQ(a->gpa, b->gpa);
}

TEST(WorkloadCtxSwitchSpec, DefaultsKeysAndCanonicalText) {
  EXPECT_EQ(parse_workload_spec("ctxswitch"), WorkloadSpec(CtxSwitchSpec{}));
  EXPECT_EQ(format_workload_spec(parse_workload_spec("ctxswitch")),
            "ctxswitch:procs=4,ws=4MiB,shared=4MiB,quantum=1000,steps=100000,write=0.125");
  const auto s = std::get<CtxSwitchSpec>(
      parse_workload_spec("ctxswitch:write=0.5,steps=8,quantum=2,shared=0,ws=16,procs=9"));
  EXPECT_EQ(s, (CtxSwitchSpec{
                   .procs = 9, .ws = 16, .shared = 0, .quantum = 2, .steps = 8, .write = 0.5}));
  EXPECT_EQ(format_workload_spec(s),
            "ctxswitch:procs=9,ws=16B,shared=0B,quantum=2,steps=8,write=0.5");
  EXPECT_EQ(parse_workload_spec(format_workload_spec(s)), WorkloadSpec(s));
  EXPECT_EQ(workload_name(s), "ctxswitch");
  EXPECT_EQ(working_set_bytes(parse_workload_spec("ctxswitch")), (4u * 4 + 4) << 20);
}

TEST(WorkloadCtxSwitchSpec, BadValuesNameTheirKey) {
  expect_spec_error("ctxswitch:procs=0", "procs", "procs: '0' is not allowed (at least 1 process)");
  expect_spec_error("ctxswitch:procs=5000", "procs", "'5000' is too large (at most 1024)");
  expect_spec_error("ctxswitch:quantum=0", "quantum",
                    "quantum: '0' is not allowed (at least 1 access)");
  expect_spec_error("ctxswitch:steps=0", "steps", "steps: '0' is not allowed (at least 1 step)");
  expect_spec_error("ctxswitch:shared=plenty", "shared", "shared: 'plenty' is not a size");
  expect_spec_error("ctxswitch:shared=12", "shared", "shared: '12' is not a multiple of 8 bytes");
  expect_spec_error("ctxswitch:shared=33TiB", "shared",
                    "shared: '33TiB' is above the limit of 32TiB");
  expect_spec_error("ctxswitch:ws=0", "ws", "ws: 0B is smaller than one word (8B)");
  expect_spec_error("ctxswitch:ws=65GiB", "ws", "ws: '65GiB' is above the limit of 64GiB");
  expect_spec_error("ctxswitch:write=2", "write", "write: '2' is not a fraction in [0, 1]");
  expect_spec_error("ctxswitch:n=3", "n",
                    "unknown key 'n' for ctxswitch (valid keys: procs, ws, shared, quantum, "
                    "steps, write)");
}

TEST(WorkloadCtxSwitchSpec, UnparsedBadSpecsAreRefused) {
  EXPECT_THROW(CtxSwitch(CtxSwitchSpec{.procs = 0}, WorkloadContext{}), std::invalid_argument);
  EXPECT_THROW(CtxSwitch(CtxSwitchSpec{.ws = 0}, WorkloadContext{}), std::invalid_argument);
  EXPECT_THROW(CtxSwitch(CtxSwitchSpec{.quantum = 0}, WorkloadContext{}), std::invalid_argument);
}

}  // namespace
}  // namespace memvirt
