// Measurements kept from an earlier `calibrate --validate --json` are read back row by row, and
// anything else is refused naming the file, the row and the field; `--measured` predicts them
// again without measuring and says where the measurements came from.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "calibrate/saved_validation.hpp"
#include "calibrate/validation.hpp"
#include "support/run_binary.hpp"
#include "support/text_contains.hpp"

namespace memvirt {
namespace {

using namespace test;
using Order = ListWalkSpec::Order;

// A saved file of the quick grid's points, as validation_json writes it.
std::string saved_text() {
  std::vector<ValidationRow> rows;
  double ticks = 4;
  for (const WalkPoint& p : validation_grid(true)) rows.push_back({p, ticks *= 2, 0, 2.5});
  const nlohmann::ordered_json meta = {{"date", "2026-12-02T00:00:00Z"}, {"tsc_ghz", 2.1}};
  return validation_json(rows, summarize(rows), meta).dump(2);
}

std::string refusal(const std::string& text) {
  try {
    parse_saved_validation(text, "v.json");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "accepted";
}

TEST(SavedValidation, ReadsBackWhatValidationJsonWrote) {
  const SavedValidation s = parse_saved_validation(saved_text(), "v.json");
  EXPECT_EQ(s.date, "2026-12-02T00:00:00Z");
  EXPECT_DOUBLE_EQ(s.tsc_ghz, 2.1);
  ASSERT_EQ(s.rows.size(), validation_grid(true).size());
  EXPECT_EQ(s.rows[0].point, validation_grid(true)[0]);
  EXPECT_DOUBLE_EQ(s.rows[0].measured_ticks, 8);
  EXPECT_DOUBLE_EQ(s.rows[1].measured_ticks, 16);
  EXPECT_DOUBLE_EQ(s.rows[0].core_ghz, 2.5);
}

TEST(SavedValidation, RefusesOtherFilesNamingTheRowAndField) {
  EXPECT_TRUE(contains(refusal("{"), "'v.json' is not JSON"));
  EXPECT_TRUE(contains(refusal(R"({"results": []})"), "no \"rows\""));
  nlohmann::json j = nlohmann::json::parse(saved_text());
  j["rows"][1]["ws"] = 12345;  // not a point of the grid: it could ask for any walk
  EXPECT_TRUE(contains(refusal(j.dump()), "row 1: "));
  EXPECT_TRUE(contains(refusal(j.dump()), "not a point of the held-out grid"));
  j = nlohmann::json::parse(saved_text());
  j["rows"][0]["measured_ticks"] = "fast";
  EXPECT_TRUE(contains(refusal(j.dump()), "row 0: \"measured_ticks\" is not a number"));
  j = nlohmann::json::parse(saved_text());
  j["rows"][0]["core_ghz"] = 0;
  EXPECT_TRUE(contains(refusal(j.dump()), "\"core_ghz\" is 0, outside"));
  j = nlohmann::json::parse(saved_text());
  j["rows"][0]["order"] = "backwards";
  EXPECT_TRUE(contains(refusal(j.dump()), "\"order\" is 'backwards'"));
  j = nlohmann::json::parse(saved_text());
  j.erase("tsc_ghz");
  EXPECT_TRUE(contains(refusal(j.dump()), "no \"tsc_ghz\""));
  j = nlohmann::json::parse(saved_text());
  j["rows"] = nlohmann::json::array();
  EXPECT_TRUE(contains(refusal(j.dump()), "no rows"));
}

TEST(SavedValidation, MeasuredPredictsAgainWithoutMeasuring) {
  const auto path = scratch_file("saved-validation.json");
  std::ofstream(path) << saved_text();
  const Outcome o = run_memvirt({"calibrate", "--validate", "--cpu", "zen3", "--measured",
                                 path.string(), "--json", "-"});
  std::filesystem::remove(path);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const auto j = nlohmann::json::parse(o.out);
  EXPECT_EQ(j.at("measured_from"), path.string());
  EXPECT_EQ(j.at("date"), "2026-12-02T00:00:00Z");
  ASSERT_EQ(j.at("rows").size(), validation_grid(true).size());
  EXPECT_DOUBLE_EQ(j.at("rows")[0].at("measured_ticks").get<double>(), 8);
  EXPECT_GT(j.at("rows")[0].at("predicted_ticks").get<double>(), 0);
}

TEST(SavedValidation, MeasuredRefusesTheFlagsOfMeasuringAndBadFiles) {
  for (const char* flag : {"--quick", "--force"}) {
    const Outcome o = run_memvirt({"calibrate", "--validate", "--measured", "x.json", flag});
    EXPECT_EQ(o.exit_code, 2) << o.err;
    EXPECT_TRUE(contains(o.err, flag)) << o.err;
  }
  const Outcome missing =
      run_memvirt({"calibrate", "--validate", "--cpu", "zen3", "--measured", "/nonexistent.json"});
  EXPECT_EQ(missing.exit_code, 1) << missing.err;
  EXPECT_TRUE(contains(missing.err, "/nonexistent.json")) << missing.err;
  const Outcome other = run_memvirt({"calibrate", "--measured", "x.json"});
  EXPECT_EQ(other.exit_code, 2) << other.err;
  EXPECT_TRUE(contains(other.err, "--measured")) << other.err;
}

}  // namespace
}  // namespace memvirt
