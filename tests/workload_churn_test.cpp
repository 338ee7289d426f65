// The churn generator: regions mapped, written and unmapped in several processes in turn.
#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "support/spec_errors.hpp"
#include "support/workload_streams.hpp"
#include "workload/churn.hpp"
#include "workload/process_events.hpp"

namespace memvirt {
namespace {

using namespace test;

constexpr uint64_t k2MiB = uint64_t{2} << 20;
constexpr uint64_t k1GiB = uint64_t{1} << 30;

void expect_event(const Event& e, EventKind kind, uint32_t pid, uint64_t addr = 0,
                  uint64_t length = 0) {
  EXPECT_EQ(e.kind, kind);
  EXPECT_EQ(e.pid, pid);
  EXPECT_EQ(e.addr.raw(), addr);
  EXPECT_EQ(e.length, length);
}

TEST(WorkloadChurn, SmallSpecHasExactlyTheExpectedEvents) {
  const std::vector<Event> ev = stream("churn:procs=2,maps=2,size=8KiB,steps=3");
  // 1 fork; 3 steps x 2 processes = 6 turns, each 2 mmaps, 2 x 2 page writes and 2 munmaps;
  // a switch before every turn but the first.
  EXPECT_EQ(ev.size(), 54u);
  EXPECT_EQ(count_kind(ev, EventKind::kFork), 1u);
  EXPECT_EQ(count_kind(ev, EventKind::kSwitch), 5u);
  EXPECT_EQ(count_kind(ev, EventKind::kMmap), 12u);
  EXPECT_EQ(count_kind(ev, EventKind::kWrite), 24u);
  EXPECT_EQ(count_kind(ev, EventKind::kMunmap), 12u);
  EXPECT_EQ(count_kind(ev, EventKind::kRead), 0u);
}

TEST(WorkloadChurn, TurnsMapWriteEveryPageAndUnmapInTheirOwnSlot) {
  const std::vector<Event> ev = stream("churn:procs=2,maps=2,size=8KiB,steps=3");
  ASSERT_EQ(ev.size(), 54u);
  expect_event(ev[0], EventKind::kFork, 0);
  EXPECT_EQ(ev[0].child, 1u);
  for (uint32_t pid : {0u, 1u}) {
    const size_t at = pid == 0 ? 1 : 10;  // turn 0 has no switch
    if (pid == 1) expect_event(ev[9], EventKind::kSwitch, 1);
    const uint64_t a = process_slot(pid);
    const uint64_t b = a + k2MiB;  // 8 KiB rounds up to a 2 MiB stride
    expect_event(ev[at], EventKind::kMmap, pid, a, 8192);
    expect_event(ev[at + 1], EventKind::kMmap, pid, b, 8192);
    EXPECT_EQ(ev[at].prot, kProtRead | kProtWrite);
    EXPECT_EQ(ev[at].page, PageSize::k4K);
    EXPECT_EQ(ev[at].region, 0u);
    expect_event(ev[at + 2], EventKind::kWrite, pid, a);
    expect_event(ev[at + 3], EventKind::kWrite, pid, a + 4096);
    expect_event(ev[at + 4], EventKind::kWrite, pid, b);
    expect_event(ev[at + 5], EventKind::kWrite, pid, b + 4096);
    expect_event(ev[at + 6], EventKind::kMunmap, pid, a, 8192);
    expect_event(ev[at + 7], EventKind::kMunmap, pid, b, 8192);
  }
  expect_event(ev[18], EventKind::kSwitch, 0);  // step 1 starts over at process 0
  expect_event(ev[53], EventKind::kMunmap, 1, process_slot(1) + k2MiB, 8192);
}

TEST(WorkloadChurn, OneProcessNeitherForksNorSwitches) {
  const std::vector<Event> ev = stream("churn:maps=3,size=4KiB,steps=4");
  EXPECT_EQ(ev.size(), 4u * (3 + 3 + 3));
  EXPECT_EQ(count_kind(ev, EventKind::kFork), 0u);
  EXPECT_EQ(count_kind(ev, EventKind::kSwitch), 0u);
  for (const Event& e : ev) EXPECT_EQ(e.pid, 0u);
}

TEST(WorkloadChurn, RegionsRoundUpToTheContextPageSize) {
  const std::vector<Event> small = stream("churn:maps=2,size=5000,steps=1");
  EXPECT_EQ(small[0].length, 8192u);
  EXPECT_EQ(count_kind(small, EventKind::kWrite), 4u);
  const std::vector<Event> two = stream("churn:maps=2,size=5000,steps=1", PageSize::k2M);
  expect_event(two[0], EventKind::kMmap, 0, process_slot(0), k2MiB);
  expect_event(two[1], EventKind::kMmap, 0, process_slot(0) + k2MiB, k2MiB);
  EXPECT_EQ(two[0].page, PageSize::k2M);
  EXPECT_EQ(count_kind(two, EventKind::kWrite), 2u);
  const std::vector<Event> gig = stream("churn:maps=2,size=3MiB,steps=1", PageSize::k1G);
  expect_event(gig[0], EventKind::kMmap, 0, process_slot(0), k1GiB);
  expect_event(gig[1], EventKind::kMmap, 0, process_slot(0) + k1GiB, k1GiB);
  EXPECT_EQ(gig[0].page, PageSize::k1G);
}

TEST(WorkloadChurn, StreamIgnoresTheSeedAndTheBatchSize) {
  const char* spec = "churn:procs=3,maps=2,size=12KiB,steps=5";
  const auto whole = fields(stream(spec, PageSize::k4K, 1, 4096));
  EXPECT_EQ(whole.size(), 2u + (3 * 5 - 1) + 3 * 5 * (2 + 3 * 2 + 2));
  EXPECT_EQ(fields(stream(spec, PageSize::k4K, 1, 1)), whole);
  EXPECT_EQ(fields(stream(spec, PageSize::k4K, 1, 7)), whole);
  EXPECT_EQ(fields(stream(spec, PageSize::k4K, 99, 13)), whole);
}

TEST(WorkloadChurn, RunsInEveryModeAndFreesEverythingItMapped) {
  for (PageSize page : {PageSize::k4K, PageSize::k2M}) {
    for (PagingMode mode : kAllModes) {
      const auto m = run_spec("churn:procs=3,maps=3,size=12KiB,steps=4", mode, page);
      const RunResult r = m->result();
      EXPECT_EQ(r.segfaults, 0u) << paging_mode_name(mode);
      EXPECT_EQ(r.accesses, page == PageSize::k4K ? 3u * 4 * 3 * 3 : 3u * 4 * 3);
      EXPECT_EQ(m->kernel().stats().demand_faults, r.accesses) << paging_mode_name(mode);
      EXPECT_EQ(m->kernel().stats().data_bytes, 0u) << paging_mode_name(mode);
      EXPECT_GT(r.guest_pt_writes, 0u);
    }
  }
}

TEST(WorkloadChurnSpec, DefaultsKeysAndCanonicalText) {
  EXPECT_EQ(parse_workload_spec("churn"), WorkloadSpec(ChurnSpec{}));
  const auto d = std::get<ChurnSpec>(parse_workload_spec("churn"));
  EXPECT_EQ(d.procs, 1u);
  EXPECT_EQ(d.maps, 16u);
  EXPECT_EQ(d.size, 64u << 10);
  EXPECT_EQ(d.steps, 1000u);
  const auto s = std::get<ChurnSpec>(parse_workload_spec("churn:steps=9,size=1M,maps=3,procs=7"));
  EXPECT_EQ(s, (ChurnSpec{.procs = 7, .maps = 3, .size = 1 << 20, .steps = 9}));
  EXPECT_EQ(format_workload_spec(parse_workload_spec("churn")),
            "churn:procs=1,maps=16,size=64KiB,steps=1000");
  const WorkloadSpec odd = parse_workload_spec("churn:procs=1024,maps=2,size=5000,steps=3");
  EXPECT_EQ(parse_workload_spec(format_workload_spec(odd)), odd);
  EXPECT_EQ(workload_name(odd), "churn");
  EXPECT_EQ(working_set_bytes(odd), 10000u);
}

TEST(WorkloadChurnSpec, BadValuesNameTheirKey) {
  expect_spec_error("churn:procs=0", "procs", "procs: '0' is not allowed (at least 1 process)");
  expect_spec_error("churn:procs=1025", "procs", "procs: '1025' is too large (at most 1024)");
  expect_spec_error("churn:maps=0", "maps", "maps: '0' is not allowed (at least 1 region)");
  expect_spec_error("churn:size=0", "size", "size: '0' is not allowed (at least 1 byte)");
  expect_spec_error("churn:size=65GiB", "size", "size: '65GiB' is above the limit of 64GiB");
  expect_spec_error("churn:size=lots", "size", "size: 'lots' is not a size");
  expect_spec_error("churn:steps=0", "steps", "steps: '0' is not allowed (at least 1 step)");
  expect_spec_error("churn:maps=x", "maps", "maps: 'x' is not a whole number");
  expect_spec_error("churn:ws=1M", "ws",
                    "unknown key 'ws' for churn (valid keys: procs, maps, size, steps)");
}

TEST(WorkloadChurnSpec, RegionsMustFitInTheProcessSlot) {
  EXPECT_NO_THROW(parse_workload_spec("churn:maps=32768,size=2MiB"));
  expect_spec_error("churn:maps=32769,size=4KiB", "maps",
                    "maps: 32769 regions of 4KiB, placed 2MiB apart, do not fit in one "
                    "process's 64GiB of address space");
  expect_spec_error("churn:maps=99999999999999999999", "maps", "is too large");
  // With 1 GiB pages each region takes a whole 1 GiB: known only when the generator is made.
  const WorkloadSpec spec = parse_workload_spec("churn:maps=65,size=4KiB");
  EXPECT_NO_THROW(make_workload(spec, WorkloadContext{PageSize::k2M, 1}));
  try {
    make_workload(spec, WorkloadContext{PageSize::k1G, 1});
    ADD_FAILURE() << "no error";
  } catch (const SpecError& e) {
    EXPECT_EQ(e.key(), "maps");
    EXPECT_EQ(std::string(e.what()),
              "workload 'churn:procs=1,maps=65,size=4KiB,steps=1000': maps: 65 regions of 4KiB, "
              "placed 1GiB apart for 1 GiB pages, do not fit in one process's 64GiB of address "
              "space");
  }
}

TEST(WorkloadChurnSpec, UnparsedBadSpecsAreRefused) {
  EXPECT_THROW(Churn(ChurnSpec{.procs = 0}, WorkloadContext{}), std::invalid_argument);
  EXPECT_THROW(Churn(ChurnSpec{.maps = 0}, WorkloadContext{}), std::invalid_argument);
  EXPECT_THROW(Churn(ChurnSpec{.size = 0}, WorkloadContext{}), std::invalid_argument);
}

}  // namespace
}  // namespace memvirt
