// The experiments' tables on reduced sizes: the claims each one exists to show hold in its rows,
// and the `memvirt experiment` command's exit codes and JSON shape.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/experiments/experiment.hpp"
#include "sim/experiments/miss_amplification.hpp"
#include "sim/experiments/pt_update_cost.hpp"
#include "sim/experiments/tlb_tags.hpp"
#include "sim/experiments/vmm_memory.hpp"
#include "support/run_binary.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;
using namespace test;

const ExperimentOptions kQuick{.quick = true, .warmup = {}};

// The row whose columns hold every given value; throws, failing the test, if there is none.
const ExperimentRow& row_where(const ExperimentTable& table,
                               const std::vector<std::pair<std::string, std::string>>& match) {
  for (const ExperimentRow& row : table.rows) {
    bool all = true;
    for (const auto& [key, value] : match) all = all && row.at(key).get<std::string>() == value;
    if (all) return row;
  }
  throw std::out_of_range("no row with " + match.front().first + " = " + match.front().second);
}

uint64_t count(const ExperimentRow& row, const std::string& key) {
  return row.at(key).get<uint64_t>();
}

// ---- pt-update-cost -------------------------------------------------------------------------

TEST(ExperimentPtUpdateCost, ShadowExitsOncePerWriteNestedAndNativeNever) {
  const ExperimentTable t = pt_update_cost(kQuick, pt_update_cost_params(true));
  ASSERT_EQ(t.rows.size(), 6u);
  const ExperimentRow& shadow = row_where(t, {{"label", "shadow"}});
  ASSERT_GT(count(shadow, "guest_pt_writes"), 0u);
  EXPECT_EQ(count(shadow, "pt_write_exits"), count(shadow, "guest_pt_writes"));
  EXPECT_GE(shadow.at("vmm_calls_per_write").get<double>(), 1.0);
  for (const char* label : {"native", "nested"}) {
    const ExperimentRow& r = row_where(t, {{"label", label}});
    EXPECT_GT(count(r, "guest_pt_writes"), 0u) << label;
    EXPECT_EQ(count(r, "pt_write_exits"), 0u) << label;
    EXPECT_EQ(count(r, "hypercalls"), 0u) << label;
    EXPECT_EQ(count(r, "vmm_pt_work"), 0u) << label;
  }
  EXPECT_EQ(count(row_where(t, {{"label", "native"}}), "vm_exits"), 0u);
}

TEST(ExperimentPtUpdateCost, UnsyncTradesWriteExitsForResyncs) {
  const ExperimentTable t = pt_update_cost(kQuick, pt_update_cost_params(true));
  const ExperimentRow& shadow = row_where(t, {{"label", "shadow"}});
  const ExperimentRow& unsync = row_where(t, {{"label", "shadow+unsync"}});
  EXPECT_EQ(count(unsync, "guest_pt_writes"), count(shadow, "guest_pt_writes"));
  EXPECT_LT(count(unsync, "pt_write_exits"), count(shadow, "pt_write_exits"));
  // Churn resyncs at INVLPG, entry by entry (whole-page syncs need a flush with tables still
  // unsync, which munmap's freeing of them leaves rare): count the entries compared.
  EXPECT_GT(count(unsync, "shadow_sync_entries"), 0u);
  EXPECT_EQ(count(shadow, "shadow_sync_entries"), 0u);
  EXPECT_GT(count(unsync, "shadow_syncs"), 0u);
  EXPECT_EQ(count(shadow, "shadow_syncs"), 0u);
  EXPECT_GT(unsync.at("vmm_pt_work_per_write").get<double>(),
            shadow.at("vmm_pt_work_per_write").get<double>());
}

TEST(ExperimentPtUpdateCost, PvBatchingCutsHypercallsWithoutExits) {
  const ExperimentTable t = pt_update_cost(kQuick, pt_update_cost_params(true));
  const ExperimentRow& one = row_where(t, {{"label", "pv batch 1"}});
  const ExperimentRow& many = row_where(t, {{"label", "pv batch 32"}});
  EXPECT_EQ(one.at("model").get<std::string>(), "xen");
  EXPECT_GE(count(one, "hypercalls"), count(one, "guest_pt_writes"));
  EXPECT_LT(count(many, "hypercalls"), count(one, "hypercalls"));
  EXPECT_EQ(count(one, "pt_write_exits"), 0u);
  EXPECT_EQ(count(many, "pv_updates"), count(one, "pv_updates"));
}

// ---- vmm-memory -----------------------------------------------------------------------------

TEST(ExperimentVmmMemory, ShadowGrowsWithProcessesNestedWithGuestMemory) {
  const ExperimentTable t = vmm_memory(kQuick, vmm_memory_params(kQuick));
  ASSERT_EQ(t.rows.size(), 4u);  // 1, 2, 4, 8 processes
  for (size_t i = 1; i < t.rows.size(); ++i) {
    EXPECT_GT(count(t.rows[i], "shadow_pt_bytes"), count(t.rows[i - 1], "shadow_pt_bytes"))
        << "procs " << count(t.rows[i], "procs");
  }
  const uint64_t nested_1 = count(t.rows.front(), "nested_pt_bytes");
  const uint64_t nested_8 = count(t.rows.back(), "nested_pt_bytes");
  const uint64_t shadow_1 = count(t.rows.front(), "shadow_pt_bytes");
  const uint64_t shadow_8 = count(t.rows.back(), "shadow_pt_bytes");
  // Eight processes share one region: the nested tree maps it once, the shadow trees eight times.
  EXPECT_GE(shadow_8, 4 * shadow_1);
  EXPECT_LE(nested_8, 2 * nested_1);
  EXPECT_GT(shadow_8, nested_8);
}

// ---- tlb-tags -------------------------------------------------------------------------------

TEST(ExperimentTlbTags, UntaggedFlushesMorePcidMissesLess) {
  const ExperimentTable t = tlb_tags(kQuick, tlb_tags_params(true));
  ASSERT_EQ(t.rows.size(), 20u);  // 2 workloads x 2 modes x 5 schemes
  const std::string ctx = "ctxswitch, 2 procs";
  for (const char* mode : {"shadow", "nested"}) {
    const auto& none = row_where(t, {{"workload", ctx}, {"mode", mode}, {"tlb_tag", "none"}});
    const auto& vpid = row_where(t, {{"workload", ctx}, {"mode", mode}, {"tlb_tag", "vpid"}});
    const auto& pcid =
        row_where(t, {{"workload", ctx}, {"mode", mode}, {"tlb_tag", "vpid+pcid"}});
    EXPECT_GT(count(none, "tlb_flushes"), count(vpid, "tlb_flushes")) << mode;
    EXPECT_LT(count(pcid, "tlb_misses"), count(vpid, "tlb_misses")) << mode;
    EXPECT_EQ(count(pcid, "accesses"), count(vpid, "accesses")) << mode;
  }
}

TEST(ExperimentTlbTags, VmTagsKeepEntriesAcrossVmSwitches) {
  const ExperimentTable t = tlb_tags(kQuick, tlb_tags_params(true));
  const std::string multi = "random, 2 VMs";
  for (const char* mode : {"shadow", "nested"}) {
    const auto& asid1 = row_where(t, {{"workload", multi}, {"mode", mode}, {"tlb_tag", "asid1"}});
    const auto& vpid = row_where(t, {{"workload", multi}, {"mode", mode}, {"tlb_tag", "vpid"}});
    EXPECT_EQ(count(vpid, "vms"), 2u);
    EXPECT_GT(count(asid1, "tlb_misses"), count(vpid, "tlb_misses")) << mode;
  }
}

// ---- miss-amplification ---------------------------------------------------------------------

TEST(ExperimentMissAmplification, NestedMissesCostMoreReferencesAtLargeWorkingSets) {
  MissAmplificationParams p = miss_amplification_params(true);
  p.pages = {PageSize::k4K};
  p.min_ws = uint64_t{1} << 20;
  const ExperimentTable t = miss_amplification(kQuick, p);
  ASSERT_EQ(t.rows.size(), 2u);  // 1 MiB, 16 MiB: 256 and 4096 pages around a 1536-entry TLB
  const ExperimentRow& big = t.rows.back();
  EXPECT_EQ(big.at("ws").get<std::string>(), "16MiB");
  const double native = big.at("native_refs_per_miss").get<double>();
  const double nested = big.at("nested_refs_per_miss").get<double>();
  EXPECT_GT(native, 0.0);
  EXPECT_GT(nested, native);
  EXPECT_DOUBLE_EQ(big.at("nested_per_native_per_miss").get<double>(), nested / native);
  EXPECT_GT(big.at("nested_refs_per_access").get<double>(),
            big.at("native_refs_per_access").get<double>());
}

TEST(ExperimentMissAmplification, SteadyStateMissesAtMostOncePerAccessWithoutFaults) {
  const ExperimentTable t = miss_amplification(kQuick, miss_amplification_params(true));
  EXPECT_NE(t.counting.find("steady state"), std::string::npos) << t.counting;
  for (const ExperimentRow& row : t.rows) {
    EXPECT_LE(row.at("misses_per_1k").get<double>(), 1000.0) << row.dump();
    EXPECT_EQ(row.at("faults_per_1k").get<double>(), 0.0) << row.dump();
  }
}

TEST(ExperimentPtUpdateCost, SaysItCountsFromFirstTouch) {
  const ExperimentTable t = pt_update_cost(kQuick, pt_update_cost_params(true));
  EXPECT_NE(t.counting.find("from first touch"), std::string::npos) << t.counting;
}

// ---- registry and command line --------------------------------------------------------------

TEST(ExperimentRegistry, NamesTheFourExperiments) {
  std::vector<std::string> names;
  for (const Experiment& e : experiments()) {
    names.push_back(e.name);
    EXPECT_FALSE(e.summary.empty()) << e.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"pt-update-cost", "vmm-memory", "tlb-tags",
                                             "miss-amplification"}));
  EXPECT_NE(find_experiment("tlb-tags"), nullptr);
  EXPECT_EQ(find_experiment("tlb-tag"), nullptr);
}

TEST(ExperimentCli, UnknownNameIsUsageErrorListingTheValidOnes) {
  const Outcome o = run_memvirt({"experiment", "tlb-tagz"});
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_EQ(o.out, "");
  for (const char* part : {"tlb-tagz", "pt-update-cost", "vmm-memory", "tlb-tags",
                           "miss-amplification"})
    EXPECT_NE(o.err.find(part), std::string::npos) << part << " in: " << o.err;
}

TEST(ExperimentCli, ListAndNoNameShowEveryExperiment) {
  const std::vector<std::vector<std::string>> invocations = {{"experiment", "--list"},
                                                             {"experiment"}};
  for (const std::vector<std::string>& args : invocations) {
    const Outcome o = run_memvirt(args);
    EXPECT_EQ(o.exit_code, 0) << args.back() << ": " << o.err;
    for (const Experiment& e : experiments())
      EXPECT_NE(o.out.find(e.name), std::string::npos) << args.back() << ": " << e.name;
  }
}

TEST(ExperimentCli, JsonHoldsTheNameAndOneObjectPerRow) {
  const fs::path json_path = scratch_file("memvirt-exp-json");
  const Outcome o = run_memvirt(
      {"experiment", "vmm-memory", "--quick", "--max-procs", "2", "--json", json_path.string()});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("shadow PT"), std::string::npos) << o.out;
  const nlohmann::json report = nlohmann::json::parse(read_file(json_path));
  fs::remove(json_path);
  EXPECT_EQ(report.at("experiment"), "vmm-memory");
  ASSERT_EQ(report.at("rows").size(), 2u);  // 1 and 2 processes
  EXPECT_EQ(report["rows"][1].at("procs"), 2);
  EXPECT_TRUE(report["rows"][1].at("shadow_pt_bytes").is_number_unsigned());
  EXPECT_TRUE(report["rows"][1].at("nested_pt_kib").is_number());
}

}  // namespace
}  // namespace memvirt
