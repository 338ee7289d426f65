// The golden suite (tests/golden/configs.txt): `memvirt sim --json -` is byte-identical to the
// stored report of each configuration, so that no refactoring or speed-up changes a number.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/run_binary.hpp"

namespace memvirt {
namespace {

using namespace test;

struct GoldenConfig {
  std::string name;
  std::vector<std::string> args;
  std::string stdin_file;  // "<FILE" in the line: FILE, in the golden directory, on stdin
};

std::vector<GoldenConfig> golden_configs() {
  std::ifstream in(MEMVIRT_GOLDEN_DIR "/configs.txt");
  std::vector<GoldenConfig> configs;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    GoldenConfig c;
    words >> c.name;
    c.args = {"sim"};
    for (std::string w; words >> w;) {
      if (w.front() == '<') c.stdin_file = std::string(MEMVIRT_GOLDEN_DIR "/") + w.substr(1);
      else c.args.push_back(w);
    }
    c.args.insert(c.args.end(), {"--json", "-"});
    configs.push_back(c);
  }
  return configs;
}

TEST(Golden, EveryConfigurationGivesItsStoredReportByteForByte) {
  const std::vector<GoldenConfig> configs = golden_configs();
  ASSERT_GE(configs.size(), 20u) << "tests/golden/configs.txt is missing or short";
  for (const GoldenConfig& c : configs) {
    SCOPED_TRACE(c.name);
    const Outcome o =
        c.stdin_file.empty() ? run_memvirt(c.args) : run_memvirt_reading(c.args, c.stdin_file);
    ASSERT_EQ(o.exit_code, 0) << o.err;
    const std::string stored = read_file(std::string(MEMVIRT_GOLDEN_DIR "/") + c.name + ".json");
    ASSERT_FALSE(stored.empty()) << "no stored report: run scripts/update-golden";
    EXPECT_TRUE(o.out == stored)
        << "the report differs from tests/golden/" << c.name
        << ".json; if the change of what is simulated is meant, run scripts/update-golden";
  }
}

}  // namespace
}  // namespace memvirt
