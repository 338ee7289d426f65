// `memvirt compare` through the real binary: the five rows in order, and refusing workloads
// that cannot be measured.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/run_binary.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;
using namespace test;

TEST(Compare, TinyListWalkGivesFiveRowsInOrder) {
  const fs::path json_path = scratch_file("memvirt-compare-report");
  const Outcome o =
      run_memvirt({"compare", "--workload", "listwalk:ws=64KiB,order=random,steps=20000",
                   "--repeats", "1", "--json", json_path.string()});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const nlohmann::json report = nlohmann::json::parse(read_file(json_path));
  fs::remove(json_path);
  EXPECT_EQ(report["workload"].get<std::string>().rfind("listwalk:", 0), 0u);
  EXPECT_TRUE(report["backend"].is_string());
  const std::vector<std::string> order = {"native", "kvm", "sim-native", "sim-shadow",
                                          "sim-nested"};
  ASSERT_EQ(report["rows"].size(), order.size()) << report.dump(2);
  for (size_t i = 0; i < order.size(); ++i) {
    const nlohmann::json& row = report["rows"][i];
    EXPECT_EQ(row["where"], order[i]);
    EXPECT_EQ(row["kind"], i < 2 ? "measured" : "simulated");
    // Without /dev/kvm the kvm row stays, empty, with the reason; every other row has cycles.
    if (order[i] == "kvm" && !fs::exists("/dev/kvm")) {
      EXPECT_TRUE(row["cycles_per_step"].is_null()) << row.dump();
      EXPECT_TRUE(row.contains("reason"));
      continue;
    }
    ASSERT_TRUE(row["cycles_per_step"].is_number()) << row.dump();
    EXPECT_GT(row["cycles_per_step"].get<double>(), 0.0) << order[i];
    EXPECT_GT(row["ratio_to_native"].get<double>(), 0.0) << order[i];
  }
  EXPECT_DOUBLE_EQ(report["rows"][0]["ratio_to_native"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(report["rows"][2]["ratio_to_native"].get<double>(), 1.0);
}

TEST(Compare, UnmeasurableWorkloadIsUsageError) {
  const Outcome o = run_memvirt({"compare", "--workload", "churn"});
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_NE(o.err.find("listwalk or random"), std::string::npos) << o.err;
}

}  // namespace
}  // namespace memvirt
