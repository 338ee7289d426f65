// `memvirt convert`: a lackey trace comes back from .mvt record for record; a damaged input is
// an error naming its byte (exit 1) that leaves the old output whole and no temporary; an
// output that is the input, or an unknown --format, is refused before any work (exit 2).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/run_binary.hpp"
#include "support/scratch_dir.hpp"
#include "support/trace_samples.hpp"
#include "workload/trace/lackey_reader.hpp"
#include "workload/trace/mvt_reader.hpp"

namespace memvirt {
namespace {

namespace fs = std::filesystem;
using namespace test;

// Fetches, loads, stores and modifies over code, stack and heap: `lines` of them.
std::string lackey_text(size_t lines) {
  std::string text = "==123== Lackey, an example Valgrind tool\n";
  for (size_t i = 0; i < lines; ++i) {
    switch (i % 4) {
      case 0: text += "I  " + std::to_string(401000 + 4 * (i % 5000)) + ",4\n"; break;
      case 1: text += " L 1ffeff" + std::to_string(1000 + i % 900) + ",8\n"; break;
      case 2: text += " S 5555" + std::to_string(100000 + i) + ",8\n"; break;
      default: text += " M 7f00" + std::to_string(200000 + i % 7000) + ",4\n"; break;
    }
  }
  return text;
}

std::vector<TraceRecord> lackey_records(const std::string& text) {
  return read_all(*reader_over<LackeyReader>(text));
}

std::vector<TraceRecord> mvt_records(const fs::path& path) {
  MvtReader reader(open_source(path.string()));
  return read_all(reader);
}

TEST(ConvertCli, LackeyTextRoundTripsThroughMvt) {
  const fs::path dir = fresh_dir("convert-roundtrip");
  const std::string text = lackey_text(30000);
  write_text(dir / "prog.lackey", text);
  const Outcome o =
      run_memvirt({"convert", (dir / "prog.lackey").string(), (dir / "prog.mvt").string()});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const std::vector<TraceRecord> expected = lackey_records(text);
  ASSERT_EQ(expected.size(), 30000u + 30000u / 4);  // each modify is a load and a store
  EXPECT_EQ(mvt_records(dir / "prog.mvt"), expected);
  EXPECT_TRUE(contains(o.out, "converted " + std::to_string(expected.size()) + " records"))
      << o.out;
  const Outcome given = run_memvirt({"convert", (dir / "prog.lackey").string(),
                                     (dir / "again.mvt").string(), "--format", "lackey"});
  ASSERT_EQ(given.exit_code, 0) << given.err;
  EXPECT_EQ(mvt_records(dir / "again.mvt"), expected);
}

TEST(ConvertCli, DamagedInputNamesItsByteAndKeepsTheOldOutput) {
  const fs::path dir = fresh_dir("convert-damaged");
  const std::string good = lackey_text(20000);  // several batches are written before the error
  write_text(dir / "bad.lackey", good + " S 10;8\n");
  write_text(dir / "out.mvt", "the old output");
  const Outcome o =
      run_memvirt({"convert", (dir / "bad.lackey").string(), (dir / "out.mvt").string()});
  EXPECT_EQ(o.exit_code, 1) << o.err;
  EXPECT_TRUE(contains(o.err, "byte " + std::to_string(good.size() + 5))) << o.err;
  EXPECT_TRUE(contains(o.err, "expected ','")) << o.err;
  std::ifstream old(dir / "out.mvt");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(old), {}), "the old output");
  EXPECT_TRUE(temporaries_in(dir).empty());
}

TEST(ConvertCli, RefusesToWriteOverItsInputAndUnknownFormats) {
  const fs::path dir = fresh_dir("convert-refused");
  const std::string text = lackey_text(10);
  write_text(dir / "in.lackey", text);
  const Outcome same =
      run_memvirt({"convert", (dir / "in.lackey").string(), (dir / "in.lackey").string()});
  EXPECT_EQ(same.exit_code, 2) << same.err;
  EXPECT_TRUE(contains(same.err, "the input trace")) << same.err;
  std::ifstream in(dir / "in.lackey");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), text);
  const Outcome format = run_memvirt({"convert", (dir / "in.lackey").string(),
                                      (dir / "x.mvt").string(), "--format", "pin"});
  EXPECT_EQ(format.exit_code, 2) << format.err;
  EXPECT_TRUE(contains(format.err, "--format")) << format.err;
  EXPECT_FALSE(fs::exists(dir / "x.mvt"));
}

}  // namespace
}  // namespace memvirt
