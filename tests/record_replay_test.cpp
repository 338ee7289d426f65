// A program recorded by the qemu tracer carries its own address-space changes in the .mvt, and
// replaying it under shadow paging makes the page-table writes the program made: its munmap costs
// pt_write exits there. The same references without the events (a version 1 trace, every region
// mapped on first touch) cost none at that point, since no munmap is in the stream at all.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sim/machine.hpp"
#include "support/machines.hpp"
#include "support/qemu.hpp"
#include "support/run_binary.hpp"
#include "support/workload_streams.hpp"
#include "workload/trace/mvt_writer.hpp"
#include "workload/trace/open_trace.hpp"
#include "workload/trace/trace_workload.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;
constexpr uint64_t kRegion = 37 * 4096;  // the probe's mapping: 37 pages


// Every record and event of the trace at `path`, the events with the number of records before.
struct Contents {
  std::vector<TraceRecord> records;
  std::vector<std::pair<size_t, SpaceEvent>> events;
};
Contents read_all(const fs::path& path) {
  Contents c;
  auto reader = open_trace(path.string(), TraceSpec::Format::kAuto);
  std::vector<TraceRecord> batch(4096);
  for (;;) {
    const size_t n = reader->read(batch);
    c.records.insert(c.records.end(), batch.begin(), batch.begin() + static_cast<long>(n));
    if (n) continue;
    const std::optional<SpaceEvent> e = reader->take_event();
    if (!e) break;
    c.events.emplace_back(c.records.size(), *e);
  }
  return c;
}

// pt_write exits under shadow paging: in all, and those of the munmap of the probe's region.
struct Exits {
  uint64_t total = 0;
  uint64_t at_munmap = 0;
};
Exits shadow_exits(const fs::path& trace) {
  Machine machine(test::config_for(PagingMode::kShadow));
  TraceWorkload w(open_trace(trace.string(), TraceSpec::Format::kAuto),
                  WorkloadContext{PageSize::k4K, 1});
  Exits x;
  for (const Event& e : test::drain(w, 256)) {
    const uint64_t before = machine.result().vm_exits[ExitReason::kPtWrite];
    machine.apply(e);
    if (e.kind == EventKind::kMunmap && e.length == kRegion)
      x.at_munmap += machine.result().vm_exits[ExitReason::kPtWrite] - before;
  }
  x.total = machine.result().vm_exits[ExitReason::kPtWrite];
  return x;
}

TEST(RecordReplay, TheProgramsMunmapCostsShadowExitsWhereItMadeIt) {
  REQUIRE_QEMU();
  const fs::path dir = test::make_scratch_dir("record-replay");
  const fs::path v2 = dir / "probe.mvt", v1 = dir / "probe-v1.mvt";
  const test::Outcome o = test::run_memvirt(
      {"record", "--tracer", "qemu", "-o", v2.string(), "--", MEMVIRT_PROBE_MMAP_PROBE});
  ASSERT_EQ(o.exit_code, 0) << o.err;

  // The probe's own calls are in the file, in its order: mmap, mprotect of half, munmap.
  const Contents c = read_all(v2);
  std::vector<SpaceEventKind> probe_calls;
  for (const auto& [at, e] : c.events)
    if (e.length == kRegion || e.length == 18 * 4096) probe_calls.push_back(e.kind);
  EXPECT_EQ(probe_calls, (std::vector{SpaceEventKind::kMmap, SpaceEventKind::kMprotect,
                                      SpaceEventKind::kMunmap}));

  {  // The same references as a version 1 trace.
    std::ofstream out(v1, std::ios::binary);
    MvtWriter w(out, MvtWriterOptions{.pids = true});
    for (const TraceRecord& r : c.records) w.write(r);
    w.finish();
  }
  const Exits with_events = shadow_exits(v2), without = shadow_exits(v1);
  // 37 pages were touched: their 37 leaf entries are cleared, each a write to a write-protected
  // guest table page.
  EXPECT_GE(with_events.at_munmap, 37u);
  EXPECT_EQ(without.at_munmap, 0u);
  EXPECT_GT(with_events.total, without.total);
  fs::remove_all(dir);
}

// The fork probe's child writes to pages it shares with its parent (its stack, at least): the
// replay forks the simulated process where the program forked, and those writes are
// copy-on-write faults of the simulated kernel, under every mode.
TEST(RecordReplay, AForkedChildsWritesAreCopyOnWriteFaults) {
  REQUIRE_QEMU();
  const fs::path dir = test::make_scratch_dir("record-replay-fork");
  const fs::path trace = dir / "fork.mvt";
  const test::Outcome o = test::run_memvirt(
      {"record", "--tracer", "qemu", "-o", trace.string(), "--", MEMVIRT_PROBE_FORK_PROBE});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  for (PagingMode mode : {PagingMode::kNative, PagingMode::kShadow, PagingMode::kNested}) {
    SCOPED_TRACE(std::string(paging_mode_name(mode)));
    Machine machine(test::config_for(mode));
    TraceWorkload w(open_trace(trace.string(), TraceSpec::Format::kAuto),
                    WorkloadContext{PageSize::k4K, 1});
    for (const Event& e : test::drain(w, 256)) machine.apply(e);
    EXPECT_GT(machine.kernel().stats().cow_faults, 0u);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace memvirt
