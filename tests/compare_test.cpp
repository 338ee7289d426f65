// `memvirt compare` through the real binary: the five rows in order, and refusing workloads
// that cannot be measured.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace memvirt {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;
  std::string out;
};

std::string shell_quote(const std::string& arg) {
  std::string quoted = "'";
  for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// Runs memvirt with `args`, stdout captured and stderr appended to it (for failure messages).
Outcome run(const std::vector<std::string>& args) {
  std::string command = shell_quote(MEMVIRT_BIN);
  for (const std::string& a : args) command += " " + shell_quote(a);
  command += " 2>&1";
  Outcome o;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return o;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) o.out.append(buf, n);
  const int status = pclose(pipe);
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

TEST(Compare, TinyListWalkGivesFiveRowsInOrder) {
  // ctest runs tests in parallel: a file name of this process only.
  const fs::path json_path =
      fs::temp_directory_path() / ("memvirt-compare-" + std::to_string(getpid()) + ".json");
  const Outcome o = run({"compare", "--workload", "listwalk:ws=64KiB,order=random,steps=20000",
                         "--repeats", "1", "--json", json_path.string()});
  ASSERT_EQ(o.exit_code, 0) << o.out;
  std::ifstream in(json_path);
  const nlohmann::json report = nlohmann::json::parse(in);
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
  const Outcome o = run({"compare", "--workload", "churn"});
  EXPECT_EQ(o.exit_code, 2) << o.out;
  EXPECT_NE(o.out.find("listwalk or random"), std::string::npos) << o.out;
}

}  // namespace
}  // namespace memvirt
