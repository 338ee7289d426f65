// RunResult -> JSON: the exact keys and values scripts rely on.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report/json_report.hpp"
#include "sim/counted_part.hpp"

namespace memvirt {
namespace {

using nlohmann::json;

// A shadow-paging run with every counter distinct, so a swapped field shows.
RunResult shadow_run() {
  RunResult r;
  r.config.mode = PagingMode::kShadow;
  r.config.page = PageSize::k2M;
  r.config.nested_page = PageSize::k1G;
  r.config.levels = 5;
  r.config.nested_levels = 4;
  r.config.seed = 7;
  r.accesses = 1000;
  r.segfaults = 1;
  r.tlb_hits = 900;
  r.tlb_misses = 120;
  r.tlb_retries = 5;
  r.warmup = 250;
  r.walks = 119;
  r.walk_refs = 600;
  r.guest_refs = 590;
  r.nested_refs = 10;
  r.guest_page_faults = 11;
  r.cow_faults = 2;
  r.guest_pt_writes = 40;
  r.shadow_faults = 13;
  r.vm_exits.by_reason = {12, 13, 11, 1, 0, 0, 0, 0, 0};
  r.shadow_syncs = 3;
  r.tlb_flushes = 14;
  r.guest_pt_bytes = 4096 * 5;
  r.shadow_pt_bytes = 4096 * 6;
  r.nested_pt_bytes = 0;
  r.p2m_bytes = 4096 * 2;
  return r;
}

RunResult native_run() {
  RunResult r;
  r.config.mode = PagingMode::kNative;
  r.accesses = 1000;
  return r;
}

TEST(ReportJson, RunHasEveryContractKeyWithExactValues) {
  const json expected = json::parse(R"({
    "mode": "shadow", "model": "kvm", "tlb_tag": "vpid", "vms": 1, "vcpus": 1,
    "page": "2m", "nested_page": "1g", "levels": 5,
    "warmup": 250, "accesses": 1000, "segfaults": 1,
    "tlb": {"hits": 900, "misses": 120, "retries": 5},
    "walk": {"walks": 119, "refs": 600, "guest_refs": 590, "nested_refs": 10, "refs_per_miss": 5.0},
    "guest_page_faults": 11, "cow_faults": 2, "guest_pt_writes": 40, "shadow_faults": 13, "shadow_syncs": 3,
    "hypercalls": 0, "tlb_flushes": 14, "refused_foreign_maps": 0, "ipis": 0,
    "vm_exits": {"total": 37, "by_reason": {"pt_write": 12, "shadow_fault": 13,
                 "guest_page_fault": 11, "cr3_write": 1, "invlpg": 0, "ept_violation": 0,
                 "invpcid": 0, "ipi_send": 0, "ipi_receive": 0}},
    "page_table_bytes": {"guest": 20480, "shadow": 24576, "nested": 0, "p2m": 8192},
    "cycles": null,
    "data_caches": null
  })");
  json actual = run_to_json(shadow_run());
  ASSERT_TRUE(actual.contains("counters"));
  actual.erase("counters");  // the components' own lists: the next tests
  EXPECT_EQ(actual, expected) << actual.dump(2);
}

TEST(ReportJson, EveryComponentPublishesEveryCounterItLists) {
  RunResult r = shadow_run();
  r.components.tlb.l2_hits = 77;
  r.components.kernel.peak_table_pages = 9;
  r.components.domain.populations = 3;
  const json counters = run_to_json(r)["counters"];
  EXPECT_EQ(counters["tlb"]["l2_hits"], 77);
  EXPECT_EQ(counters["kernel"]["peak_table_pages"], 9);
  EXPECT_EQ(counters["domain"]["populations"], 3);
  size_t components = 0;
  r.for_each_component([&](const char* name, const auto& stats, bool ran) {
    ++components;
    ASSERT_TRUE(counters.contains(name)) << name;
    if (!ran) {
      EXPECT_TRUE(counters[name].is_null()) << name;  // untimed: the CPU model's did not run
      return;
    }
    const auto list = counters_of<std::decay_t<decltype(stats)>>();
    EXPECT_EQ(counters[name].size(), list.size()) << name;
    for (const auto& c : list) {
      EXPECT_EQ(counters[name][std::string(c.name)], stats.*c.field) << name << "." << c.name;
      EXPECT_FALSE(c.unit.empty()) << name << "." << c.name;
      EXPECT_FALSE(c.meaning.empty()) << name << "." << c.name;
    }
  });
  EXPECT_EQ(counters.size(), components);
  r.timed = true;
  r.components.pwc.pde_hits = 5;
  EXPECT_EQ(run_to_json(r)["counters"]["pwc"]["pde_hits"], 5);
}

TEST(ReportJson, TheCountedPartTakesOffCountsAndKeepsLevels) {
  RunResult start = shadow_run();
  RunResult end = shadow_run();
  start.components.mmu.walks = 10;
  end.components.mmu.walks = 25;
  start.components.vmm.shadow_pages = 4;
  end.components.vmm.shadow_pages = 6;
  start.components.kernel.data_bytes = 4096;
  end.components.kernel.data_bytes = 8192;
  const RunResult part = counted_part(end, start, 100);
  EXPECT_EQ(part.components.mmu.walks, 15u);
  EXPECT_EQ(part.components.vmm.shadow_pages, 6u);  // held at the end
  EXPECT_EQ(part.components.kernel.data_bytes, 8192u);
}

TEST(ReportJson, VmExitsListEveryReasonEvenWhenAllAreZero) {
  const json exits = run_to_json(native_run())["vm_exits"];
  EXPECT_EQ(exits["total"], 0);
  ASSERT_EQ(exits["by_reason"].size(), static_cast<size_t>(kExitReasonCount));
  for (int i = 0; i < kExitReasonCount; ++i) {
    const std::string name(exit_reason_name(static_cast<ExitReason>(i)));
    ASSERT_TRUE(exits["by_reason"].contains(name)) << name;
    EXPECT_EQ(exits["by_reason"][name], 0) << name;
  }
}

TEST(ReportJson, TimedRunsCarryCyclesByEveryCategory) {
  RunResult r = native_run();
  r.timed = true;
  r.cycles.add(CycleCategory::kData, 3000);
  r.cycles.add(CycleCategory::kGuestWalk, 500);
  const json c = run_to_json(r)["cycles"];
  EXPECT_EQ(c["total"], 3500);
  EXPECT_EQ(c["per_access"], 3.5);
  ASSERT_EQ(c["by_category"].size(), static_cast<size_t>(kCycleCategoryCount));
  EXPECT_EQ(c["by_category"]["data"], 3000);
  EXPECT_EQ(c["by_category"]["guest_walk"], 500);
  EXPECT_EQ(c["by_category"]["vm_exit"], 0);
}

TEST(ReportJson, TimedRunsSayWhereTheirLoadsWereServed) {
  RunResult r = native_run();
  r.timed = true;
  r.caches.hits = {90, 6, 3};
  r.caches.memory = 1;
  r.caches.prefetches = 4;
  r.caches.stall_cycles = 12;
  EXPECT_EQ(run_to_json(r)["data_caches"], json::parse(R"({"hits": [90, 6, 3], "memory": 1,
      "prefetches": 4, "channel_wait_cycles": 12})"));
}

TEST(ReportJson, RefsPerMissIsZeroWithoutMisses) {
  const json walk = run_to_json(native_run())["walk"];
  EXPECT_EQ(walk["refs_per_miss"], 0.0);
  EXPECT_TRUE(walk["refs_per_miss"].is_number_float());
}

TEST(ReportJson, SimReportTakesConfigFromFirstRunAndKeepsModeOrder) {
  RunResult first = shadow_run();
  first.config.guest_memory = uint64_t{4} << 30;
  first.config.host_memory = uint64_t{8} << 30;
  first.config.warmup = 5000;
  RunResult second = native_run();
  const json report = sim_report_json("listwalk:ws=1MiB", {first, second});
  const json expected_config = json::parse(R"({
    "seed": 7, "levels": 5, "nested_levels": 4, "page": "2m", "nested_page": "1g",
    "modes": ["shadow", "native"], "model": "kvm", "tlb_tag": "vpid", "pv_batch": 1,
    "shadow_unsync": false, "agile_writes": 2, "agile_interval": 100000,
    "vms": 1, "vcpus": 1, "cpu": "none", "frames": "in-order",
    "warmup": 5000, "guest_memory_bytes": 4294967296, "host_memory_bytes": 8589934592
  })");
  EXPECT_EQ(report["workload"], "listwalk:ws=1MiB");
  EXPECT_EQ(report["config"], expected_config);
  ASSERT_EQ(report["results"].size(), 2u);
  EXPECT_EQ(report["results"][0], run_to_json(first));
  EXPECT_EQ(report["results"][1], run_to_json(second));
  EXPECT_EQ(report.size(), 3u);  // workload, config, results: nothing else at the top
}

TEST(ReportJson, SimReportWithoutRunsHasDefaultConfigAndNoRows) {
  const json report = sim_report_json("random", {});
  EXPECT_EQ(report["results"], json::array());
  EXPECT_EQ(report["config"]["modes"], json::array());
  EXPECT_EQ(report["config"]["seed"], 1);
  EXPECT_EQ(report["config"]["page"], "4k");
}

}  // namespace
}  // namespace memvirt
