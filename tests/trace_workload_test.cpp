// `--workload trace:FILE`: the spec, and the workload that maps what a trace touches before
// replaying it, so that a real program's addresses run without a segfault in every mode.
#include "workload/trace/trace_workload.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/spec_errors.hpp"
#include "support/trace_samples.hpp"
#include "support/workload_streams.hpp"
#include "workload/rng.hpp"
#include "workload/trace/lackey_reader.hpp"
#include "workload/trace/mvt_reader.hpp"
#include "workload/trace/mvt_writer.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;
using Format = TraceSpec::Format;

constexpr uint64_t k2M = uint64_t{2} << 20;

TEST(TraceSpecText, FileThenFormat) {
  EXPECT_EQ(parse_workload_spec("trace:prog.mvt"), WorkloadSpec(TraceSpec{"prog.mvt"}));
  EXPECT_EQ(parse_workload_spec("trace:/tmp/a:b.txt,format=lackey"),
            WorkloadSpec(TraceSpec{"/tmp/a:b.txt", Format::kLackey}));
  const WorkloadSpec s = TraceSpec{"x.champsim", Format::kChampSim};
  EXPECT_EQ(format_workload_spec(s), "trace:x.champsim,format=champsim");
  EXPECT_EQ(parse_workload_spec(format_workload_spec(s)), s);
  EXPECT_EQ(workload_name(s), "trace");
}

TEST(TraceSpecText, BadSpecsNameTheirKey) {
  test::expect_spec_error("trace:", "file", "file: missing");
  test::expect_spec_error("trace:a.mvt,format=pin", "format",
                          "expected auto, mvt, lackey, champsim or champsim-cloudsuite");
}

std::unique_ptr<TraceWorkload> lackey_workload(std::string_view text, PageSize page) {
  return std::make_unique<TraceWorkload>(test::reader_over<LackeyReader>(text),
                                         WorkloadContext{page, 1});
}

TEST(TraceWorkloadEvents, MapsEachRegionOnceBeforeItsFirstAccess) {
  constexpr std::string_view kText =
      "I  0401000,3\n L 1fff000708,8\nI  0401003,2\n S 0401100,8\n L ffffffffff600000,8\n";
  auto w = lackey_workload(kText, PageSize::k4K);
  const auto events = test::drain(*w, 1);
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(events[0].kind, EventKind::kMmap);
  EXPECT_EQ(events[0].addr.raw(), 0x400000u);
  EXPECT_EQ(events[0].length, k2M);
  EXPECT_EQ(events[0].prot, kProtRead | kProtWrite | kProtExec);
  EXPECT_EQ(events[1].kind, EventKind::kExecute);
  EXPECT_EQ(events[2].kind, EventKind::kMmap);
  EXPECT_EQ(events[2].addr.raw(), 0x1fff000000u);
  EXPECT_EQ(events[3].kind, EventKind::kRead);
  EXPECT_EQ(events[4].kind, EventKind::kExecute);
  EXPECT_EQ(events[5].kind, EventKind::kWrite);
  EXPECT_EQ(events[5].addr.raw(), 0x401100u);
  EXPECT_EQ(w->skipped_records(), 1u);  // the kernel-half address
}

TEST(TraceWorkloadEvents, GigabytePagesMapGigabyteRegions) {
  auto w = lackey_workload("I  40401000,3\n", PageSize::k1G);
  const auto events = test::drain(*w, 16);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].addr.raw(), uint64_t{1} << 30);
  EXPECT_EQ(events[0].length, uint64_t{1} << 30);
  EXPECT_EQ(events[0].page, PageSize::k1G);
}

// A trace of two processes over code, stack, heap and scattered addresses.
std::string program_trace() {
  std::ostringstream out;
  MvtWriter w(out, true);
  Rng rng(5);
  for (uint64_t i = 0; i < 20000; ++i) {
    const uint32_t pid = (i / 1000) % 2 == 0 ? 0 : 7;
    w.write({0x401000 + 4 * (i % 300), pid, 4, TraceKind::kExecute});
    w.write({0x7ffd0000 - 8 * (i % 40), pid, 8, TraceKind::kWrite});
    w.write({0x55550000 + 8 * rng.next_below(1 << 22), pid, 8, TraceKind::kRead});
  }
  w.finish();
  return std::move(out).str();
}

TEST(TraceWorkloadMachine, RunsWithoutSegfaultsInEveryMode) {
  const std::string bytes = program_trace();
  for (PagingMode mode : test::kAllModes) {
    for (PageSize page : {PageSize::k4K, PageSize::k2M}) {
      SimConfig config = test::config_for(mode);
      config.page = page;
      Machine machine(config);
      TraceWorkload w(test::reader_over<MvtReader>(bytes), WorkloadContext{page, 1});
      std::vector<Event> buf(512);
      uint64_t accesses = 0;
      while (size_t n = w.next(buf)) {
        for (size_t i = 0; i < n; ++i) {
          machine.apply(buf[i]);
          accesses += is_access(buf[i].kind);
        }
      }
      EXPECT_EQ(accesses, 60000u);
      EXPECT_EQ(machine.result().segfaults, 0u) << static_cast<int>(mode);
    }
  }
}

TEST(TraceWorkloadMachine, SpecOpensTheFileAndDetectsItsFormat) {
  const fs::path path =
      fs::temp_directory_path() / ("memvirt-trace-" + std::to_string(::getpid()) + ".lackey");
  std::ofstream(path) << "I  0401000,3\n L 1fff000708,8\n";
  const auto events = test::stream("trace:" + path.string());
  EXPECT_EQ(test::count_kind(events, EventKind::kMmap), 2u);
  EXPECT_EQ(test::count_kind(events, EventKind::kRead), 1u);
  EXPECT_THROW(test::stream("trace:" + path.string() + ",format=mvt"), TraceError);
  fs::remove(path);
}

}  // namespace
}  // namespace memvirt
