// `memvirt compare` through the real binary: the five rows in order, every one in TSC ticks with
// the measured rows' predictions beside them, and refusing workloads that cannot be measured.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/compare_setup.hpp"
#include "support/run_binary.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;
using namespace test;
using nlohmann::json;

const std::vector<std::string> kTiny = {
    "compare", "--workload", "listwalk:ws=256KiB,steps=20000", "--repeats", "1", "--json", "-"};

json compare_json(const std::vector<std::string>& extra = {}) {
  const ConfigHome home;
  std::vector<std::string> args = kTiny;
  args.insert(args.end(), extra.begin(), extra.end());
  const Outcome o = run_memvirt(args, home.env());
  EXPECT_EQ(o.exit_code, 0) << o.err;
  return o.exit_code == 0 ? json::parse(o.out) : json::object();
}

const json& row(const json& report, const std::string& where) {
  for (const json& r : report["rows"])
    if (r["where"] == where) return r;
  static const json none;
  ADD_FAILURE() << "no row " << where;
  return none;
}

bool number_or_null(const json& v) { return v.is_number() || v.is_null(); }

TEST(Compare, TinyListWalkGivesFiveRowsInOrder) {
  const json report = compare_json();
  EXPECT_EQ(report["workload"].get<std::string>().rfind("listwalk:", 0), 0u);
  EXPECT_TRUE(report["backend"].is_string());
  const std::vector<std::string> order = {"native", "kvm", "sim-native", "sim-shadow",
                                          "sim-nested"};
  ASSERT_EQ(report["rows"].size(), order.size()) << report.dump(2);
  for (size_t i = 0; i < order.size(); ++i) {
    EXPECT_EQ(report["rows"][i]["where"], order[i]);
    EXPECT_EQ(report["rows"][i]["kind"], i < 2 ? "measured" : "simulated");
  }
  EXPECT_DOUBLE_EQ(report["rows"][0]["ratio_to_native"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(report["rows"][2]["ratio_to_native"].get<double>(), 1.0);
}

TEST(Compare, ReportNamesTheClockTheModelAndWhetherItIsCalibrated) {
  const json report = compare_json();
  EXPECT_GT(report["tsc_ghz"].get<double>(), 0.0);
  EXPECT_TRUE(report["cpu"]["name"].is_string());
  EXPECT_TRUE(report["cpu"]["origin"].is_string());
  EXPECT_TRUE(report["calibrated"].is_boolean());
  EXPECT_TRUE(report["machine"]["guest"].is_boolean());
  EXPECT_EQ(report["prediction_frames"], "scattered");
}

// Simulated rows keep their model cycles and gain ticks: cycles x TSC rate / core clock.
TEST(Compare, WhatIfRowsAreInTicksAndSayTheyAreWhatIfs) {
  const json report = compare_json({"--cpu", "zen3"});
  // At the core clock measured around the measured runs, not the preset's.
  const double ticks_per_cycle =
      report["tsc_ghz"].get<double>() / report["core_ghz_measured"].get<double>();
  for (const char* where : {"sim-native", "sim-shadow", "sim-nested"}) {
    const json& r = row(report, where);
    EXPECT_NEAR(r["ticks_per_step"].get<double>(),
                r["cycles_per_step"].get<double>() * ticks_per_cycle,
                1e-9 * r["ticks_per_step"].get<double>())
        << where;
    EXPECT_EQ(r["what_if"].get<std::string>().rfind("what-if: bare metal", 0), 0u) << where;
    EXPECT_FALSE(r.contains("predicted_ticks_per_step")) << where;
  }
}

TEST(Compare, NativeRowCarriesItsPredictionAndTheError) {
  const json report = compare_json();
  const json& r = row(report, "native");
  const double measured = r["ticks_per_step"].get<double>();
  const double predicted = r["predicted_ticks_per_step"].get<double>();
  EXPECT_DOUBLE_EQ(r["cycles_per_step"].get<double>(), measured);
  EXPECT_GT(predicted, 0.0);
  EXPECT_NEAR(r["error"].get<double>(), predicted / measured - 1, 1e-12);
  EXPECT_DOUBLE_EQ(r["predicted_ratio_to_native"].get<double>(), 1.0);
  const std::string as = r["predicted_as"];
  EXPECT_EQ(as.rfind(report["machine"]["guest"] ? "nested 4k/" : "native 4k", 0), 0u) << as;
}

// Every measured row has the prediction keys; where /dev/kvm is missing, the kvm row's
// measurement is null with the reason, and its prediction stays (or is null with the reason).
TEST(Compare, KvmRowHasPredictionKeysEvenWhenNotMeasured) {
  const json report = compare_json();
  const json& r = row(report, "kvm");
  for (const char* key :
       {"ticks_per_step", "cycles_per_step", "predicted_ticks_per_step",
        "predicted_cycles_per_step", "error", "ratio_to_native", "predicted_ratio_to_native"}) {
    ASSERT_TRUE(r.contains(key)) << key;
    EXPECT_TRUE(number_or_null(r[key])) << key << ": " << r.dump();
  }
  EXPECT_TRUE(r["predicted_as"].is_string());
  if (r["ticks_per_step"].is_null()) {
    EXPECT_TRUE(r["reason"].is_string());
    EXPECT_TRUE(r["error"].is_null());
  }
}

TEST(Compare, KvmRowIsMeasuredAndPredictedWhereKvmRuns) {
  if (!fs::exists("/dev/kvm")) GTEST_SKIP() << "no /dev/kvm on this machine: the kvm row is n/a";
  const json report = compare_json();
  const json& r = row(report, "kvm");
  ASSERT_TRUE(r["ticks_per_step"].is_number()) << r.dump();
  ASSERT_TRUE(r["predicted_ticks_per_step"].is_number()) << r.dump();
  EXPECT_NEAR(r["error"].get<double>(),
              r["predicted_ticks_per_step"].get<double>() / r["ticks_per_step"].get<double>() - 1,
              1e-12);
  EXPECT_GT(r["predicted_ratio_to_native"].get<double>(), 0.0);
  EXPECT_FALSE(r["predicted_as"].get<std::string>().empty());
}

TEST(Compare, FramesGivenAreUsedForThePredictions) {
  EXPECT_EQ(compare_json({"--frames", "in-order"})["prediction_frames"], "in-order");
}

TEST(Compare, TableIsInTicksWithPredictionsBeside) {
  const ConfigHome home;
  std::vector<std::string> args(kTiny.begin(), kTiny.end() - 2);  // no --json
  const Outcome o = run_memvirt(args, home.env());
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("TSC ticks per step"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("predicted as "), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("what-if: bare metal"), std::string::npos) << o.out;
}

TEST(Compare, UnmeasurableWorkloadIsUsageError) {
  const Outcome o = run_memvirt({"compare", "--workload", "churn"});
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_NE(o.err.find("listwalk or random"), std::string::npos) << o.err;
}

}  // namespace
}  // namespace memvirt
