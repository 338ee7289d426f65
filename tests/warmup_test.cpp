// Steady state: a warm run counts only the loop that `memvirt measure` times, its counted part is
// the difference of two cold runs, and a TLB miss is counted once per access in every mode.
#include "sim/warmup.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "sim/engine.hpp"
#include "support/machines.hpp"
#include "support/workload_streams.hpp"
#include "timing/cpu_model.hpp"
#include "workload/measured_loop.hpp"

namespace memvirt {
namespace {

constexpr PagingMode kEveryMode[] = {PagingMode::kNative, PagingMode::kShadow, PagingMode::kPv,
                                     PagingMode::kNested};

SimConfig machine(PagingMode mode, std::optional<uint64_t> warmup, bool timed = true) {
  SimConfig c = test::config_for(mode);
  if (mode == PagingMode::kPv) c.model = VmmModel::kXen;
  if (timed) {
    c.cpu = std::make_shared<const CpuModel>(load_cpu_model("zen3"));
    c.tlb = tlb_config_for(c.cpu->tlb);
  }
  c.warmup = warmup;
  return c;
}

RunResult run(PagingMode mode, std::optional<uint64_t> warmup, const std::string& spec) {
  return simulate(machine(mode, warmup), parse_workload_spec(spec));
}

TEST(Warmup, ListWalkInTheTlbAndL1TakesNoFaultExitOrMissOnceWarm) {
  for (PagingMode mode : kEveryMode) {
    SCOPED_TRACE(std::string(paging_mode_name(mode)));
    const RunResult r = run(mode, std::nullopt, "listwalk:ws=16KiB,npad=7,order=random,steps=5000");
    EXPECT_EQ(r.warmup, 4u + 5000u);  // four pages touched, one warm-up lap
    EXPECT_EQ(r.accesses, 5000u);
    EXPECT_EQ(r.tlb_hits, 5000u);
    EXPECT_EQ(r.tlb_misses, 0u);
    EXPECT_EQ(r.walks, 0u);
    EXPECT_EQ(r.guest_page_faults, 0u);
    EXPECT_EQ(r.shadow_faults, 0u);
    EXPECT_EQ(r.hypercalls, 0u);
    EXPECT_EQ(r.vm_exits.total(), 0u);
    EXPECT_EQ(r.cycles[CycleCategory::kVmExit] + r.cycles[CycleCategory::kGuestPageFault], 0u);
    // Every load an L1D hit: the counted lap costs the L1 latency per access and nothing else.
    EXPECT_EQ(r.caches.hits.at(0), 5000u);
    EXPECT_EQ(r.cycles[CycleCategory::kData], 5000u * r.config.cpu->caches.levels.at(0).latency);
  }
}

TEST(Warmup, ColdRunCountsTheFirstTouches) {
  const RunResult r =
      run(PagingMode::kShadow, 0, "listwalk:ws=16KiB,npad=7,order=random,steps=5000");
  EXPECT_EQ(r.warmup, 0u);
  EXPECT_EQ(r.accesses, 5000u);
  EXPECT_EQ(r.guest_page_faults, 4u);
  EXPECT_GT(r.vm_exits.total(), 0u);
}

// The counters a warm run reports, each as the difference of two cold runs.
void expect_difference(const RunResult& warm, const RunResult& longer, const RunResult& shorter) {
  EXPECT_EQ(warm.accesses, longer.accesses - shorter.accesses);
  EXPECT_EQ(warm.tlb_hits, longer.tlb_hits - shorter.tlb_hits);
  EXPECT_EQ(warm.tlb_misses, longer.tlb_misses - shorter.tlb_misses);
  EXPECT_EQ(warm.tlb_retries, longer.tlb_retries - shorter.tlb_retries);
  EXPECT_EQ(warm.walks, longer.walks - shorter.walks);
  EXPECT_EQ(warm.guest_refs, longer.guest_refs - shorter.guest_refs);
  EXPECT_EQ(warm.nested_refs, longer.nested_refs - shorter.nested_refs);
  EXPECT_EQ(warm.guest_page_faults, longer.guest_page_faults - shorter.guest_page_faults);
  EXPECT_EQ(warm.shadow_faults, longer.shadow_faults - shorter.shadow_faults);
  EXPECT_EQ(warm.hypercalls, longer.hypercalls - shorter.hypercalls);
  for (size_t i = 0; i < warm.vm_exits.by_reason.size(); ++i)
    EXPECT_EQ(warm.vm_exits.by_reason[i],
              longer.vm_exits.by_reason[i] - shorter.vm_exits.by_reason[i]);
  for (size_t i = 0; i < warm.cycles.categories().size(); ++i)
    EXPECT_EQ(warm.cycles.categories()[i],
              longer.cycles.categories()[i] - shorter.cycles.categories()[i]);
  ASSERT_EQ(warm.caches.hits.size(), longer.caches.hits.size());
  for (size_t i = 0; i < warm.caches.hits.size(); ++i)
    EXPECT_EQ(warm.caches.hits[i], longer.caches.hits[i] - shorter.caches.hits[i]);
  EXPECT_EQ(warm.caches.memory, longer.caches.memory - shorter.caches.memory);
}

TEST(Warmup, CountedPartIsTheDifferenceOfTwoColdRuns) {
  constexpr uint64_t kWarm = 3000, kTimed = 2000;
  const std::string walk = "listwalk:ws=16MiB,npad=7,order=random,steps=";
  for (PagingMode mode : kEveryMode) {
    SCOPED_TRACE(std::string(paging_mode_name(mode)));
    const RunResult warm = run(mode, kWarm, walk + std::to_string(kWarm + kTimed));
    const RunResult longer = run(mode, 0, walk + std::to_string(kWarm + kTimed));
    const RunResult shorter = run(mode, 0, walk + std::to_string(kWarm));
    EXPECT_EQ(warm.warmup, kWarm);
    // 4096 pages beyond the 2048-entry L2 TLB, most first touched in the counted part.
    EXPECT_GT(warm.tlb_misses, 0u);
    EXPECT_GT(warm.guest_page_faults, 0u);
    expect_difference(warm, longer, shorter);
  }
}

TEST(Warmup, AutoRunsEventStreamsFromTheirFirstEvent) {
  const RunResult r =
      run(PagingMode::kNested, std::nullopt, "churn:procs=2,maps=2,size=16KiB,steps=2");
  EXPECT_EQ(r.warmup, 0u);
  EXPECT_GT(r.guest_page_faults, 0u);
}

TEST(Warmup, MeasuredLoopIsMapTouchThenTwoIdenticalLaps) {
  const WorkloadSpec spec = parse_workload_spec("random:ws=16KiB,steps=300,write=0.5");
  MeasuredLoop loop(spec, WorkloadContext{PageSize::k4K, 9});
  const std::vector<Event> events = test::drain(loop, 77);
  ASSERT_EQ(events.size(), 1u + 4u + 2u * 300u);
  EXPECT_EQ(events[0].kind, EventKind::kMmap);
  EXPECT_EQ(events[0].length, 16u * 1024u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(events[1 + i].kind, EventKind::kRead);
    EXPECT_EQ(events[1 + i].addr.raw(), kWorkloadRegionBase + 4096 * i);
  }
  const std::vector<Event> lap(events.begin() + 5, events.begin() + 305);
  const std::vector<Event> again(events.begin() + 305, events.end());
  EXPECT_EQ(test::fields(lap), test::fields(again));
  // Each lap is the workload's own access stream, mmap left out.
  std::vector<Event> own = test::stream("random:ws=16KiB,steps=300,write=0.5", PageSize::k4K, 9);
  own.erase(own.begin());
  EXPECT_EQ(test::fields(lap), test::fields(own));
  EXPECT_EQ(loop.warmup_accesses(), 4u + 300u);
}

TEST(Warmup, TouchCoversTheRegionAsMapped) {
  const WorkloadSpec spec = parse_workload_spec("listwalk:ws=1MiB");
  EXPECT_EQ(touch_reads(spec, PageSize::k4K), 256u);
  EXPECT_EQ(touch_reads(spec, PageSize::k2M), 512u);  // the 2 MiB page, every 4 KiB of it
}

TEST(Warmup, ParsesAutoAndCountsAndRefusesTheRest) {
  EXPECT_EQ(parse_warmup("auto"), std::nullopt);
  EXPECT_EQ(parse_warmup("0"), std::optional<uint64_t>(0));
  EXPECT_EQ(parse_warmup("123456"), std::optional<uint64_t>(123456));
  for (const char* bad : {"", "-1", "1e3", "12x", "Auto", "99999999999999999999"})
    EXPECT_THROW(parse_warmup(bad), std::invalid_argument) << bad;
  EXPECT_EQ(warmup_name(std::nullopt), "auto");
  EXPECT_EQ(warmup_name(42), "42");
}

// Small instances of every generator, so that the property runs in well under a second each.
const char* const kSpecs[] = {
    "listwalk:ws=64KiB,npad=7,order=random,steps=3000",
    "listwalk:ws=256KiB,npad=0,order=seq,steps=3000",
    "random:ws=1MiB,steps=3000,write=0.3",
    "churn:procs=2,maps=3,size=12KiB,steps=3",
    "ctxswitch:procs=3,ws=16KiB,shared=16KiB,quantum=50,steps=1500,write=0.2",
    "forkexec:n=3,ws=16KiB",
};

RC_GTEST_PROP(Warmup, MissesNeverExceedAccesses, ()) {
  const auto spec =
      *rc::gen::elementOf(std::vector<std::string>(std::begin(kSpecs), std::end(kSpecs)));
  const auto mode =
      *rc::gen::elementOf(std::vector<PagingMode>(std::begin(kEveryMode), std::end(kEveryMode)));
  const auto warm = *rc::gen::elementOf(std::vector<int>{-1, 0, 500});
  const auto page = *rc::gen::elementOf(std::vector<PageSize>{PageSize::k4K, PageSize::k2M});
  SimConfig c = machine(mode, warm < 0 ? std::nullopt : std::optional<uint64_t>(warm), false);
  c.page = page;
  c.nested_page = page;
  c.seed = *rc::gen::inRange<uint64_t>(1, 1000);
  const RunResult r = simulate(c, parse_workload_spec(spec));
  RC_ASSERT(r.tlb_misses <= r.accesses);
  RC_ASSERT(r.tlb_hits + r.tlb_misses == r.accesses);
}

}  // namespace
}  // namespace memvirt
