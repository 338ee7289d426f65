// The qemu tracer on real programs: the probe's accesses to its region come out exactly (same
// addresses, order and kinds) with its mmap, mprotect and munmap; a fork gives two pids; and the
// ways a recording fails are told apart.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "support/qemu.hpp"
#include "support/run_binary.hpp"
#include "support/scratch_dir.hpp"
#include "workload/trace/qemu_recorder.hpp"
#include "workload/trace/space_event.hpp"

namespace memvirt {
namespace {

using namespace test;
namespace fs = std::filesystem;


struct Collect final : TraceSink {
  std::vector<TraceRecord> records;
  std::vector<SpaceEvent> events;
  std::vector<size_t> records_before;  // of each event
  void record(const TraceRecord& r) override { records.push_back(r); }
  void event(const SpaceEvent& e) override {
    events.push_back(e);
    records_before.push_back(records.size());
  }
};

// No record of a process comes after the event that ends it (exit_group: child 0).
void expect_exits_last(const Collect& c) {
  for (size_t i = 0; i < c.events.size(); ++i) {
    const SpaceEvent& e = c.events[i];
    if (e.kind != SpaceEventKind::kExit || e.child != 0) continue;
    for (size_t r = c.records_before[i]; r < c.records.size(); ++r)
      ASSERT_NE(c.records[r].pid, e.pid) << "record " << r << " after pid " << e.pid << " exited";
  }
}

Collect trace(const std::vector<std::string>& command, bool per_block = false) {
  Collect c;
  record_with_qemu(command, {MEMVIRT_QEMU_PLUGIN_PATH, per_block}, c);
  return c;
}

constexpr uint64_t kPage = 4096, kPages = 37, kStride = 7;  // as tests/programs/mmap_probe.cpp

const SpaceEvent* find_event(const Collect& c, SpaceEventKind kind, uint64_t length) {
  for (const SpaceEvent& e : c.events)
    if (e.kind == kind && e.length == length) return &e;
  return nullptr;
}

TEST(RecordQemu, ProbeRegionAccessesAndCallsComeOutExactly) {
  REQUIRE_QEMU();
  const Collect c = trace({MEMVIRT_PROBE_MMAP_PROBE});
  const SpaceEvent* map = find_event(c, SpaceEventKind::kMmap, kPages * kPage);
  ASSERT_NE(map, nullptr) << "no mmap of the probe's 37 pages among " << c.events.size();
  const uint64_t base = map->addr;
  EXPECT_EQ(map->prot, 3u);  // PROT_READ | PROT_WRITE
  const SpaceEvent* prot = find_event(c, SpaceEventKind::kMprotect, (kPages / 2) * kPage);
  ASSERT_NE(prot, nullptr);
  EXPECT_EQ(prot->addr, base);
  EXPECT_EQ(prot->prot, 1u);  // PROT_READ
  const SpaceEvent* unmap = find_event(c, SpaceEventKind::kMunmap, kPages * kPage);
  ASSERT_NE(unmap, nullptr);
  EXPECT_EQ(unmap->addr, base);

  std::vector<TraceRecord> in_region;
  for (const TraceRecord& r : c.records)
    if (r.addr >= base && r.addr < base + kPages * kPage) in_region.push_back(r);
  std::vector<TraceRecord> want;
  for (const TraceKind kind : {TraceKind::kWrite, TraceKind::kRead})
    for (uint64_t i = 0; i < kPages; ++i)
      want.push_back({base + (i * kStride % kPages) * kPage, 0, 1, kind});
  EXPECT_EQ(in_region, want);
  ASSERT_FALSE(c.records.empty());
  EXPECT_EQ(c.records.front().kind, TraceKind::kExecute);
  EXPECT_EQ(c.events.back().kind, SpaceEventKind::kExit);
  expect_exits_last(c);
}

TEST(RecordQemu, EventsComeInProgramOrderAmongTheRecords) {
  REQUIRE_QEMU();
  // Notes how many records preceded each event.
  struct Positions final : TraceSink {
    std::vector<TraceRecord> records;
    std::vector<std::pair<SpaceEvent, size_t>> events;
    void record(const TraceRecord& r) override { records.push_back(r); }
    void event(const SpaceEvent& e) override { events.push_back({e, records.size()}); }
  } sink;
  record_with_qemu({MEMVIRT_PROBE_MMAP_PROBE}, {MEMVIRT_QEMU_PLUGIN_PATH, false}, sink);
  const auto at = [&sink](SpaceEventKind kind, uint64_t length) {
    for (const auto& [e, position] : sink.events)
      if (e.kind == kind && e.length == length) return std::pair{e.addr, position};
    ADD_FAILURE() << space_event_name(kind) << " of " << length << " bytes not found";
    return std::pair{uint64_t{0}, size_t{0}};
  };
  const auto [base, mapped] = at(SpaceEventKind::kMmap, kPages * kPage);
  const auto [half, protected_at] = at(SpaceEventKind::kMprotect, (kPages / 2) * kPage);
  const auto [gone, unmapped] = at(SpaceEventKind::kMunmap, kPages * kPage);
  EXPECT_LT(mapped, protected_at);
  EXPECT_LE(protected_at, unmapped);
  size_t touches = 0;
  for (size_t i = 0; i < sink.records.size(); ++i) {
    const uint64_t a = sink.records[i].addr;
    if (a < base || a >= base + kPages * kPage) continue;
    ++touches;
    EXPECT_GE(i, mapped);
    EXPECT_LT(i, protected_at);  // the probe touches the region before it protects it
  }
  EXPECT_EQ(touches, 2 * kPages);
}

TEST(RecordQemu, ForkGivesTwoPids) {
  REQUIRE_QEMU();
  const Collect c = trace({MEMVIRT_PROBE_FORK_PROBE});
  std::vector<uint32_t> pids;
  for (const TraceRecord& r : c.records)
    if (std::find(pids.begin(), pids.end(), r.pid) == pids.end()) pids.push_back(r.pid);
  EXPECT_EQ(pids, (std::vector<uint32_t>{0, 1}));
  const SpaceEvent fork{.kind = SpaceEventKind::kFork, .pid = 0, .child = 1};
  EXPECT_NE(std::find(c.events.begin(), c.events.end(), fork), c.events.end());
  const SpaceEvent child_map = *find_event(c, SpaceEventKind::kMmap, 4096);
  EXPECT_EQ(child_map.pid, 1u);
  size_t exits = 0;
  for (const SpaceEvent& e : c.events) exits += e.kind == SpaceEventKind::kExit;
  EXPECT_EQ(exits, 2u);
  expect_exits_last(c);
}

TEST(RecordQemu, ThreadIsPartOfItsProcess) {
  REQUIRE_QEMU();
  const Collect c = trace({MEMVIRT_PROBE_THREAD_PROBE});
  for (const TraceRecord& r : c.records) ASSERT_EQ(r.pid, 0u);
  const SpaceEvent* map = find_event(c, SpaceEventKind::kMmap, 3 * 4096);
  ASSERT_NE(map, nullptr);
  const auto thread = std::find_if(c.events.begin(), c.events.end(), [](const SpaceEvent& e) {
    return e.kind == SpaceEventKind::kThread;
  });
  ASSERT_NE(thread, c.events.end());
  EXPECT_EQ(thread->pid, 0u);
  EXPECT_NE(thread->child, 0u);
  const SpaceEvent exit{.kind = SpaceEventKind::kExit, .pid = 0, .child = thread->child};
  EXPECT_NE(std::find(c.events.begin(), c.events.end(), exit), c.events.end());
  const size_t writes = std::count_if(
      c.records.begin(), c.records.end(),
      [map](const TraceRecord& r) { return r.addr == map->addr && r.kind == TraceKind::kWrite; });
  EXPECT_EQ(writes, 1u);
  expect_exits_last(c);
}

TEST(RecordQemu, PerBlockGivesOneExecuteRecordPerBlock) {
  REQUIRE_QEMU();
  const Collect insns = trace({MEMVIRT_PROBE_MMAP_PROBE});
  const Collect blocks = trace({MEMVIRT_PROBE_MMAP_PROBE}, true);
  const auto executes = [](const Collect& c) {
    return std::count_if(c.records.begin(), c.records.end(),
                         [](const TraceRecord& r) { return r.kind == TraceKind::kExecute; });
  };
  EXPECT_GT(executes(blocks), 0);
  EXPECT_LT(executes(blocks) * 2, executes(insns));
  EXPECT_EQ(insns.records.size() - executes(insns), blocks.records.size() - executes(blocks));
}

TEST(RecordQemu, FailingProgramIsReportedWithItsStatus) {
  REQUIRE_QEMU();
  try {
    trace({"/bin/sh", "-c", "exit 3"});
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(contains(e.what(), "exited with status 3 under qemu-x86_64")) << e.what();
  }
}

TEST(RecordQemu, ProgramThatCannotStartIsReported) {
  REQUIRE_QEMU();
  try {
    trace({"/nonexistent/program"});
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(contains(e.what(), "/nonexistent/program exited with status 1")) << e.what();
  }
}

TEST(RecordQemu, ProgramIsLookedUpOnPath) {
  REQUIRE_QEMU();
  EXPECT_FALSE(trace({"true"}).records.empty());
  try {
    trace({"memvirt-no-such-program"});
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(contains(e.what(), "memvirt-no-such-program' is not a program on PATH"))
        << e.what();
  }
}

TEST(RecordQemu, ProgramKilledBySignalIsReported) {
  REQUIRE_QEMU();
  try {
    trace({"/bin/sh", "-c", "kill -9 $$"});
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(contains(e.what(), "killed by signal 9")) << e.what();
  }
}

TEST(RecordQemu, CliWritesTheTraceAndCountsEvents) {
  REQUIRE_QEMU();
  const fs::path dir = fresh_dir("record-qemu-cli");
  const Outcome o = run_memvirt({"record", "--tracer", "qemu", "-o", (dir / "p.mvt").string(), "--",
                                 MEMVIRT_PROBE_MMAP_PROBE});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_TRUE(contains(o.err, "tracing with qemu-x86_64")) << o.err;
  EXPECT_TRUE(contains(o.out, "address-space events of")) << o.out;
  const Outcome sim = run_memvirt({"sim", "--workload", "trace:" + (dir / "p.mvt").string(),
                                   "--mode", "native", "--cpu", "none"});
  EXPECT_EQ(sim.exit_code, 0) << sim.err;
  fs::remove_all(dir);
}

TEST(RecordQemu, CliRefusesLackeyTextWithQemu) {
  const Outcome o = run_memvirt({"record", "--tracer", "qemu", "-o", "/tmp/x.mvt", "--lackey-text",
                                 "/tmp/x.lackey", "--", "/bin/true"});
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_TRUE(contains(o.err, "--lackey-text")) << o.err;
}

TEST(RecordQemu, CliPerBlockIsForQemuOnly) {
  const Outcome lackey = run_memvirt({"record", "--tracer", "lackey", "--per-block", "-o",
                                      "/tmp/never.mvt", "--", "/bin/true"});
  EXPECT_EQ(lackey.exit_code, 2) << lackey.err;
  EXPECT_TRUE(contains(lackey.err, "--per-block")) << lackey.err;
  // Left to choose, and without qemu, record does not fall back to lackey quietly.
  const Outcome fallback =
      run_memvirt({"record", "--per-block", "-o", "/tmp/never.mvt", "--", "/bin/true"},
                  {{"PATH", "/nonexistent"}});
  EXPECT_EQ(fallback.exit_code, 1) << fallback.err;
  EXPECT_TRUE(contains(fallback.err,
                       "--per-block needs the qemu tracer, and qemu-x86_64 was not found on PATH"))
      << fallback.err;
}

TEST(RecordQemu, CliWithoutPluginOrQemuNamesTheMissingPiece) {
  const Outcome o =
      run_memvirt({"record", "--tracer", "qemu", "-o", "/tmp/never.mvt", "--", "/bin/true"},
                  {{"MEMVIRT_QEMU_PLUGIN", "/nonexistent/plugin.so"}});
  EXPECT_EQ(o.exit_code, 1) << o.err;
  EXPECT_TRUE(contains(o.err, "MEMVIRT_QEMU_PLUGIN names no file")) << o.err;
  const Outcome p =
      run_memvirt({"record", "--tracer", "qemu", "-o", "/tmp/never.mvt", "--", "/bin/true"},
                  {{"PATH", "/nonexistent"}});
  EXPECT_EQ(p.exit_code, 1) << p.err;
  EXPECT_TRUE(contains(p.err, "qemu-x86_64 is not installed")) << p.err;
}

}  // namespace
}  // namespace memvirt
