// Replaying a trace's address-space events: each kind becomes the kernel events its rules say,
// and under shadow paging an munmap costs its page-table-write exits where the program made it.
#include <gtest/gtest.h>

#include <sstream>
#include <variant>

#include "support/trace_samples.hpp"
#include "support/workload_streams.hpp"
#include "workload/rng.hpp"
#include "workload/trace/mvt_reader.hpp"
#include "workload/trace/mvt_writer.hpp"
#include "workload/trace/trace_workload.hpp"

namespace memvirt {
namespace {

using test::TraceItem;

constexpr uint64_t k2M = uint64_t{2} << 20;
constexpr uint64_t kHeap = 0x7f0000000000;  // 2 MiB aligned
constexpr uint32_t kProtRw = 3;             // PROT_READ | PROT_WRITE
constexpr uint32_t kMapHugetlb = 0x40000;
constexpr uint32_t kMadvDontneed = 4;

TraceItem write_at(uint64_t addr, uint32_t pid = 0) {
  return TraceRecord{addr, pid, 8, TraceKind::kWrite};
}
TraceItem mmap(uint64_t addr, uint64_t length, uint32_t prot = kProtRw, uint32_t flags = 0x22,
               uint32_t pid = 0) {
  return SpaceEvent{SpaceEventKind::kMmap, pid, 0, addr, length, 0, 0, prot, flags};
}
TraceItem ranged(SpaceEventKind kind, uint64_t addr, uint64_t length, uint32_t pid = 0) {
  return SpaceEvent{kind, pid, 0, addr, length};
}
TraceItem process(SpaceEventKind kind, uint32_t pid, uint32_t child = 0) {
  return SpaceEvent{kind, pid, child};
}

std::string encode(const std::vector<TraceItem>& items, bool events = true) {
  std::ostringstream out;
  MvtWriter w(out, MvtWriterOptions{.pids = true, .events = events});
  for (const TraceItem& item : items) {
    if (const auto* r = std::get_if<TraceRecord>(&item)) w.write(*r);
    else w.write_event(std::get<SpaceEvent>(item));
  }
  w.finish();
  return std::move(out).str();
}

// The kernel events replaying `items` gives, with the run's page size `page`.
std::vector<test::EventFields> replay(const std::vector<TraceItem>& items,
                                      PageSize page = PageSize::k4K) {
  const std::string bytes = encode(items);
  TraceWorkload w(test::reader_over<MvtReader>(bytes), WorkloadContext{page, 1});
  return test::fields(test::drain(w, 3));
}

test::EventFields kernel(EventKind kind, uint64_t addr, uint64_t length,
                         uint8_t prot = kProtNone, PageSize page = PageSize::k4K,
                         uint32_t pid = 0, uint32_t child = 0) {
  return {kind, pid, child, 0, addr, length, page, prot};
}
test::EventFields access(uint64_t addr, uint32_t pid = 0) {
  return kernel(EventKind::kWrite, addr, 0, kProtNone, PageSize::k4K, pid);
}
test::EventFields auto_map(uint64_t addr, uint64_t length, PageSize page = PageSize::k4K,
                           uint32_t pid = 0) {
  return kernel(EventKind::kMmap, addr, length, kProtRead | kProtWrite | kProtExec, page, pid);
}
constexpr uint8_t kRw = kProtRead | kProtWrite;

// The pt_write exits the guest's page-table writes of `items` cost under shadow paging, counted
// just before and just after the first munmap (0 and 0 if there is none).
std::pair<uint64_t, uint64_t> pt_write_exits_around_munmap(const std::string& bytes,
                                                           uint64_t* total) {
  Machine machine(test::config_for(PagingMode::kShadow));
  TraceWorkload w(test::reader_over<MvtReader>(bytes), WorkloadContext{PageSize::k4K, 1});
  std::pair<uint64_t, uint64_t> around{0, 0};
  for (const Event& e : test::drain(w, 64)) {
    const bool munmap = e.kind == EventKind::kMunmap && around.second == 0;
    if (munmap) around.first = machine.result().vm_exits[ExitReason::kPtWrite];
    machine.apply(e);
    if (munmap) around.second = machine.result().vm_exits[ExitReason::kPtWrite];
  }
  *total = machine.result().vm_exits[ExitReason::kPtWrite];
  return around;
}

TEST(TraceReplayShadow, MunmapCostsPageTableWriteExitsWhereTheProgramMadeIt) {
  std::vector<TraceItem> touches;
  for (uint64_t page = 0; page < 16; ++page) touches.push_back(write_at(kHeap + page * 4096));
  std::vector<TraceItem> with_events{mmap(kHeap, 16 * 4096)};
  with_events.insert(with_events.end(), touches.begin(), touches.end());
  with_events.push_back(ranged(SpaceEventKind::kMunmap, kHeap, 16 * 4096));
  with_events.push_back(write_at(0x400000));  // after it, in another region

  uint64_t total = 0;
  const auto [before, after] = pt_write_exits_around_munmap(encode(with_events), &total);
  // 16 leaf entries cleared, and the emptied table freed from its parent: every one a write to
  // a write-protected guest table page, so an exit.
  EXPECT_GE(after - before, 16u);
  EXPECT_GT(before, 0u);  // the touches filled the entries, each an exit too

  touches.push_back(write_at(0x400000));
  uint64_t v1_total = 0;
  const auto v1 = pt_write_exits_around_munmap(encode(touches, false), &v1_total);
  EXPECT_EQ(v1, std::make_pair(uint64_t{0}, uint64_t{0}));  // no munmap in the stream at all
  EXPECT_EQ(v1_total, before + (total - after));  // the same touches, without the munmap's writes
}

TEST(TraceReplayEvents, MmapIsPageAlignedAndKeepsItsProtection) {
  EXPECT_EQ(replay({mmap(kHeap + 0x10, 0x1ff0, 1), write_at(kHeap + 0x1008)}),
            (std::vector{kernel(EventKind::kMmap, kHeap, 0x2000, kProtRead), access(kHeap + 0x1008)}));
}

TEST(TraceReplayEvents, MmapUsesTheRunsPageSizeWhereAlignedAndHugetlbTwoMegabytes) {
  EXPECT_EQ(replay({mmap(kHeap, 2 * k2M), mmap(kHeap + 4 * k2M, 0x3000)}, PageSize::k2M),
            (std::vector{kernel(EventKind::kMmap, kHeap, 2 * k2M, kRw, PageSize::k2M),
                         kernel(EventKind::kMmap, kHeap + 4 * k2M, 0x3000, kRw)}));
  EXPECT_EQ(replay({mmap(kHeap + 0x1000, 0x1000, kProtRw, 0x22 | kMapHugetlb)}),
            (std::vector{kernel(EventKind::kMmap, kHeap, k2M, kRw, PageSize::k2M)}));
}

TEST(TraceReplayEvents, AnonymousMmapTakesLargePagesOnItsAlignedMiddleLikeTransparentHugePages) {
  const uint64_t start = kHeap + k2M - 0x3000, length = 0x3000 + 2 * k2M + 0x5000;
  EXPECT_EQ(replay({mmap(start, length)}, PageSize::k2M),
            (std::vector{kernel(EventKind::kMmap, start, 0x3000, kRw),
                         kernel(EventKind::kMmap, kHeap + k2M, 2 * k2M, kRw, PageSize::k2M),
                         kernel(EventKind::kMmap, kHeap + 3 * k2M, 0x5000, kRw)}));
  // A private file mapping (no MAP_ANONYMOUS) or a shared one: large pages only when aligned.
  for (uint32_t flags : {0x02u, 0x21u})
    EXPECT_EQ(replay({mmap(start, length, kProtRw, flags)}, PageSize::k2M),
              (std::vector{kernel(EventKind::kMmap, start, length, kRw)}));
  // Too short to hold an aligned large page: 4 KiB pages throughout.
  EXPECT_EQ(replay({mmap(kHeap + 0x1000, k2M)}, PageSize::k2M),
            (std::vector{kernel(EventKind::kMmap, kHeap + 0x1000, k2M, kRw)}));
}

TEST(TraceReplayEvents, MmapOverAnAutoMappedRegionReplacesThatPart) {
  EXPECT_EQ(replay({write_at(kHeap), mmap(kHeap + 0x4000, 0x2000), write_at(kHeap + 0x4000)}),
            (std::vector{auto_map(kHeap, k2M), access(kHeap),
                         kernel(EventKind::kMunmap, kHeap + 0x4000, 0x2000),
                         kernel(EventKind::kMmap, kHeap + 0x4000, 0x2000, kRw),
                         access(kHeap + 0x4000)}));
}

TEST(TraceReplayEvents, AnAccessAfterMunmapMapsOnlyTheHole) {
  EXPECT_EQ(replay({mmap(kHeap, 0x2000), ranged(SpaceEventKind::kMunmap, kHeap, 0x2000),
                    ranged(SpaceEventKind::kMunmap, kHeap, 0x2000), mmap(kHeap + 0x8000, 0x1000),
                    write_at(kHeap)}),
            (std::vector{kernel(EventKind::kMmap, kHeap, 0x2000, kRw),
                         kernel(EventKind::kMunmap, kHeap, 0x2000),  // once: then nothing is there
                         kernel(EventKind::kMmap, kHeap + 0x8000, 0x1000, kRw),
                         auto_map(kHeap, 0x8000), auto_map(kHeap + 0x9000, k2M - 0x9000),
                         access(kHeap)}));
}

TEST(TraceReplayEvents, MprotectSkipsHolesAndACutLargePageIsSplitIntoSmallOnes) {
  EXPECT_EQ(replay({mmap(kHeap, 0x1000), mmap(kHeap + 0x3000, 0x1000),
                    SpaceEvent{SpaceEventKind::kMprotect, 0, 0, kHeap, 0x4000, 0, 0, 1}}),
            (std::vector{kernel(EventKind::kMmap, kHeap, 0x1000, kRw),
                         kernel(EventKind::kMmap, kHeap + 0x3000, 0x1000, kRw),
                         kernel(EventKind::kMprotect, kHeap, 0x1000, kProtRead),
                         kernel(EventKind::kMprotect, kHeap + 0x3000, 0x1000, kProtRead)}));
  // As Linux splits it: the large page goes, its 4 KiB pages stay mapped but the one unmapped.
  EXPECT_EQ(replay({mmap(kHeap, k2M), ranged(SpaceEventKind::kMunmap, kHeap + 0x1000, 0x1000)},
                   PageSize::k2M),
            (std::vector{kernel(EventKind::kMmap, kHeap, k2M, kRw, PageSize::k2M),
                         kernel(EventKind::kMunmap, kHeap, k2M),
                         kernel(EventKind::kMmap, kHeap, k2M, kRw),
                         kernel(EventKind::kMunmap, kHeap + 0x1000, 0x1000)}));
  EXPECT_EQ(replay({mmap(kHeap, 2 * k2M),
                    SpaceEvent{SpaceEventKind::kMprotect, 0, 0, kHeap + k2M - 0x1000, 0x2000, 0, 0,
                               1}},
                   PageSize::k2M),
            (std::vector{kernel(EventKind::kMmap, kHeap, 2 * k2M, kRw, PageSize::k2M),
                         kernel(EventKind::kMunmap, kHeap, k2M),
                         kernel(EventKind::kMmap, kHeap, k2M, kRw),
                         kernel(EventKind::kMunmap, kHeap + k2M, k2M),
                         kernel(EventKind::kMmap, kHeap + k2M, k2M, kRw),
                         kernel(EventKind::kMprotect, kHeap + k2M - 0x1000, 0x2000, kProtRead)}));
}

TEST(TraceReplayEvents, MremapMovesAsMunmapAndMmapAndGrowsInPlaceByItsTail) {
  const SpaceEvent move{SpaceEventKind::kMremap, 0, 0, kHeap + k2M, 0x4000, kHeap, 0x2000};
  const SpaceEvent grow{SpaceEventKind::kMremap, 0, 0, kHeap, 0x3000, kHeap, 0x2000};
  EXPECT_EQ(replay({mmap(kHeap, 0x2000, 1), move}),
            (std::vector{kernel(EventKind::kMmap, kHeap, 0x2000, kProtRead),
                         kernel(EventKind::kMunmap, kHeap, 0x2000),
                         kernel(EventKind::kMmap, kHeap + k2M, 0x4000, kProtRead)}));
  EXPECT_EQ(replay({mmap(kHeap, 0x2000), grow}),
            (std::vector{kernel(EventKind::kMmap, kHeap, 0x2000, kRw),
                         kernel(EventKind::kMmap, kHeap + 0x2000, 0x1000, kRw)}));
}

TEST(TraceReplayEvents, BrkGrowsByMmapAndShrinksByMunmap) {
  const SpaceEvent grow{SpaceEventKind::kBrk, 0, 0, kHeap + 0x21000, 0, kHeap + 0x10};
  const SpaceEvent shrink{SpaceEventKind::kBrk, 0, 0, kHeap + 0x1800, 0, kHeap + 0x21000};
  const SpaceEvent query{SpaceEventKind::kBrk, 0, 0, kHeap + 0x1800, 0, kHeap + 0x1800};
  EXPECT_EQ(replay({grow, shrink, query}),
            (std::vector{kernel(EventKind::kMmap, kHeap + 0x1000, 0x20000, kRw),
                         kernel(EventKind::kMunmap, kHeap + 0x2000, 0x1f000)}));
}

TEST(TraceReplayEvents, MadviseDontneedUnmapsAndRemapsOtherAdviceDoesNothing) {
  EXPECT_EQ(replay({mmap(kHeap, 0x4000, 1),
                    SpaceEvent{SpaceEventKind::kMadvise, 0, 0, kHeap + 0x1000, 0x1000, 0, 0, 0,
                               kMadvDontneed},
                    SpaceEvent{SpaceEventKind::kMadvise, 0, 0, kHeap, 0x4000, 0, 0, 0, 14}}),
            (std::vector{kernel(EventKind::kMmap, kHeap, 0x4000, kProtRead),
                         kernel(EventKind::kMunmap, kHeap + 0x1000, 0x1000),
                         kernel(EventKind::kMmap, kHeap + 0x1000, 0x1000, kProtRead)}));
}

TEST(TraceReplayEvents, ForkCopiesTheParentsMappingsThreadsShareThem) {
  EXPECT_EQ(replay({mmap(kHeap, 0x1000, kProtRw, 0x22, 5), process(SpaceEventKind::kFork, 5, 6),
                    process(SpaceEventKind::kThread, 6, 61), write_at(kHeap, 61),
                    process(SpaceEventKind::kExit, 6, 61), process(SpaceEventKind::kExit, 6)}),
            (std::vector{kernel(EventKind::kFork, 0, 0, kProtNone, PageSize::k4K, 0, 5),
                         kernel(EventKind::kMmap, kHeap, 0x1000, kRw, PageSize::k4K, 5),
                         kernel(EventKind::kFork, 0, 0, kProtNone, PageSize::k4K, 5, 6),
                         access(kHeap, 6),  // no mapping: the child has its parent's
                         kernel(EventKind::kExit, 0, 0, kProtNone, PageSize::k4K, 6)}));
}

TEST(TraceReplayEvents, ExecEmptiesTheSpaceAndPidZeroOutlivesItsExit) {
  EXPECT_EQ(replay({mmap(kHeap, 0x1000), process(SpaceEventKind::kExec, 0),
                    process(SpaceEventKind::kExit, 0), write_at(kHeap)}),
            (std::vector{kernel(EventKind::kMmap, kHeap, 0x1000, kRw),
                         kernel(EventKind::kExec, 0, 0), auto_map(kHeap, k2M), access(kHeap)}));
}

TEST(TraceReplayMachine, EveryKindRunsWithoutKernelErrorsOrSegfaultsInEveryMode) {
  const std::vector<TraceItem> items{
      write_at(kHeap), mmap(kHeap + 0x3000, 0x5000), write_at(kHeap + 0x3000),
      SpaceEvent{SpaceEventKind::kBrk, 0, 0, kHeap + k2M + 0x9000, 0, kHeap + k2M},
      write_at(kHeap + k2M + 0x8000),
      SpaceEvent{SpaceEventKind::kMadvise, 0, 0, kHeap, 0x8000, 0, 0, 0, kMadvDontneed},
      write_at(kHeap + 0x4000), process(SpaceEventKind::kFork, 0, 3), write_at(kHeap, 3),
      SpaceEvent{SpaceEventKind::kMremap, 3, 0, kHeap + 8 * k2M, 0x6000, kHeap + 0x3000, 0x5000},
      write_at(kHeap + 8 * k2M + 0x5000, 3), ranged(SpaceEventKind::kMunmap, kHeap, 4 * k2M, 3),
      write_at(kHeap + 0x10, 3), process(SpaceEventKind::kExec, 3), write_at(kHeap, 3),
      process(SpaceEventKind::kExit, 3), write_at(kHeap + 0x20)};
  const std::string bytes = encode(items);
  for (PagingMode mode : test::kAllModes) {
    for (PageSize page : {PageSize::k4K, PageSize::k2M}) {
      SimConfig config = test::config_for(mode);
      config.page = page;
      Machine machine(config);
      TraceWorkload w(test::reader_over<MvtReader>(bytes), WorkloadContext{page, 1});
      for (const Event& e : test::drain(w, 5)) machine.apply(e);
      EXPECT_EQ(machine.result().segfaults, 0u) << static_cast<int>(mode);
      EXPECT_EQ(machine.result().accesses, 9u);
    }
  }
}

// Any stream of events, however odd (overlaps, cuts through 2 MiB pages, unknown pids), is
// replayed with events the kernel accepts: no KernelError, every access simulated.
TEST(TraceReplayMachine, RandomEventsNeverMakeTheKernelRefuse) {
  Rng rng(17);
  std::vector<TraceItem> items;
  for (int i = 0; i < 3000; ++i) {
    const uint64_t base = kHeap + rng.next_below(64) * 0x1000 * (rng.next_below(2) ? 1 : 512);
    const uint64_t length = rng.next_below(3) == 0 ? rng.next_below(8) * k2M + 1
                                                   : rng.next_below(40) * 0x1000 + rng.next_below(3);
    const auto pid = static_cast<uint32_t>(rng.next_below(3));
    const auto kind = static_cast<SpaceEventKind>(rng.next_below(kSpaceEventKinds));
    SpaceEvent e{kind, pid, 0, base, length};
    if (kind == SpaceEventKind::kMmap) {
      e.prot = kProtRw;
      e.flags = rng.next_below(4) == 0 ? kMapHugetlb : 0x22;
    } else if (kind == SpaceEventKind::kMprotect) {
      e.prot = static_cast<uint32_t>(1 + rng.next_below(7));
    } else if (kind == SpaceEventKind::kMremap || kind == SpaceEventKind::kBrk) {
      e.old_addr = base + rng.next_below(2) * 0x3000;
      e.old_length = kind == SpaceEventKind::kMremap ? length / 2 : 0;
      if (kind == SpaceEventKind::kBrk) e.length = 0;
    } else if (kind == SpaceEventKind::kMadvise) {
      e.length = length;
      e.flags = kMadvDontneed;
    } else if (kind != SpaceEventKind::kMunmap) {
      e = SpaceEvent{kind, pid, static_cast<uint32_t>(rng.next_below(4))};
      if (kind == SpaceEventKind::kExec) e.child = 0;
    }
    if (rng.next_below(3) == 0) items.emplace_back(e);
    items.push_back(TraceRecord{base + rng.next_below(0x3000), pid, 8, TraceKind::kRead});
  }
  const std::string bytes = encode(items);
  for (PageSize page : {PageSize::k4K, PageSize::k2M}) {
    SimConfig config = test::config_for(PagingMode::kShadow);
    config.page = page;
    Machine machine(config);
    TraceWorkload w(test::reader_over<MvtReader>(bytes), WorkloadContext{page, 1});
    for (const Event& e : test::drain(w, 64)) ASSERT_NO_THROW(machine.apply(e));
    EXPECT_EQ(machine.result().accesses, 3000u);
  }
}

}  // namespace
}  // namespace memvirt
