// From measurements to a preset: the nearest hand-made preset by CPU, the LLC share's shape, the
// preset a synthetic machine's curves give (it parses, carries host facts, cites a measurement
// or a fit for every measured field, and predicts its own fit points), what a quick run does
// with a curve it cannot fit, and the atomic file write.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "calibrate/base_preset.hpp"
#include "calibrate/calibration_fit.hpp"
#include "calibrate/calibration_record.hpp"
#include "calibrate/calibration_run.hpp"
#include "calibrate/llc_shape.hpp"
#include "calibrate/prediction.hpp"
#include "calibrate/preset_draft.hpp"
#include "calibrate/preset_file.hpp"
#include "calibrate/quiet_machine.hpp"
#include "calibrate/structure_fields.hpp"
#include "support/run_binary.hpp"

namespace memvirt {
namespace {

constexpr uint64_t KiB = 1024, MiB = 1024 * KiB;
namespace fs = std::filesystem;

HostCpu cpu(const std::string& vendor, uint32_t family, uint32_t model, bool guest = false) {
  HostCpu c;
  c.vendor = vendor;
  c.family = family;
  c.model = model;
  c.hypervisor = guest;
  return c;
}

TEST(CalibratePreset, NearestPresetFollowsVendorFamilyAndModel) {
  EXPECT_EQ(nearest_preset(cpu("AuthenticAMD", 25, 0x01)).name, "zen3");  // Milan
  EXPECT_EQ(nearest_preset(cpu("AuthenticAMD", 25, 0x11)).name, "zen4");  // Genoa
  EXPECT_EQ(nearest_preset(cpu("AuthenticAMD", 25, 0x61)).name, "zen4");  // Raphael
  EXPECT_EQ(nearest_preset(cpu("AuthenticAMD", 26, 0x02)).name, "zen4");  // Zen 5
  EXPECT_EQ(nearest_preset(cpu("AuthenticAMD", 23, 0x31)).name, "zen3");  // Rome
  EXPECT_EQ(nearest_preset(cpu("GenuineIntel", 6, 0x55)).name, "skylake");
  EXPECT_EQ(nearest_preset(cpu("GenuineIntel", 6, 0x6a)).name, "icelake");
  EXPECT_EQ(nearest_preset(cpu("GenuineIntel", 6, 207)).name, "icelake");   // Emerald Rapids
  EXPECT_EQ(nearest_preset(cpu("GenuineIntel", 6, 0x3f)).name, "skylake");  // Haswell
  const BasePreset other = nearest_preset(cpu("CentaurHauls", 6, 0x0f));
  EXPECT_EQ(other.name, "skylake");
  EXPECT_NE(other.why.find("guess"), std::string::npos);
}

CacheInfo l3(uint64_t bytes, uint32_t ways) {
  CacheInfo c;
  c.level = 3;
  c.kind = CacheKind::kUnified;
  c.size_bytes = bytes;
  c.ways = ways;
  c.line_bytes = 64;
  c.sets = static_cast<uint32_t>(bytes / 64 / ways);
  return c;
}

TEST(CalibratePreset, LlcShareShapeIsTheHandFitsEightyWaysForTheZen4Guest) {
  const CacheInfo zen4 = l3(32 * MiB, 16);
  const LlcShape s = llc_shape(10 * MiB, &zen4);
  EXPECT_EQ(s.ways, 80u);
  EXPECT_EQ(s.size_bytes, 10 * MiB);
  EXPECT_EQ(s.size_bytes / 64 / s.ways, 2048u);
}

TEST(CalibratePreset, LlcShareHasAtLeastSixtyFourWaysPerPageColour) {
  const CacheInfo emr = l3(300 * MiB, 20);
  for (uint64_t share : {1 * MiB, 6 * MiB, 60 * MiB, 200 * MiB}) {
    const LlcShape s = llc_shape(share, &emr);
    const uint64_t sets = s.size_bytes / 64 / s.ways;
    EXPECT_EQ(sets % 64, 0u) << share;  // whole page colours
    EXPECT_TRUE(std::has_single_bit(sets / 64)) << share;
    EXPECT_GE(s.ways, 64u) << share;
    EXPECT_LT(s.ways, 128u) << share;
    EXPECT_NEAR(static_cast<double>(s.size_bytes), static_cast<double>(share), share / 64.0 + 1);
    EXPECT_EQ(s.size_bytes % 1024, 0u);
  }
}

TEST(CalibratePreset, LlcShareOfTheWholeL3KeepsItsShape) {
  const CacheInfo c = l3(32 * MiB, 16);
  const LlcShape s = llc_shape(31 * MiB, &c);
  EXPECT_EQ(s.size_bytes, 32 * MiB);
  EXPECT_EQ(s.ways, 16u);
}

TEST(CalibratePreset, LlcShareWithoutCpuidGeometryHasTheSameShape) {
  const LlcShape s = llc_shape(10 * MiB, nullptr);
  EXPECT_EQ(s.ways, 80u);
  EXPECT_EQ(s.size_bytes, 10 * MiB);
}

TEST(CalibratePreset, DraftCitesTheBasePresetForEveryFieldItKeeps) {
  const PresetDraft d("zen4");
  for (const auto& [key, text] : d.sources())
    EXPECT_EQ(text.rfind("assumption: as preset zen4", 0), 0u) << key << ": " << text;
  EXPECT_NO_THROW(d.model());
}

// A native Skylake-like machine with a 32 KiB L1D, 256 KiB L2 and 4 MiB L3.
MachineStructure skylake_like(bool guest) {
  MachineStructure m;
  m.cpu = cpu("GenuineIntel", 6, 0x5e, guest);
  m.cpu.brand = "a synthetic Skylake";
  m.caches = {*decode_cache_parameters({0x00000121, 0x01c0003f, 0x0000003f, 0}),
              *decode_cache_parameters({0x00000143, 0x00c0003f, 0x000003ff, 0}),
              *decode_cache_parameters({0x00000163, 0x03c0003f, 0x00000fff, 0})};
  m.caches_from = "CPUID leaf 4";
  m.tlbs = decode_leaf2_tlbs({0x76036301, 0x00f0b5ff, 0, 0x00c30000}).tlbs;
  m.tlbs_from = "CPUID leaf 2";
  return m;
}

// Core cycles per step of the synthetic machine's walks.
double caches_cost(uint64_t ws) {
  if (ws <= 32 * KiB) return 4;
  if (ws <= 256 * KiB) return 12;
  if (ws <= 4 * MiB) return 42;
  return 230;
}
double tlb_cost(uint64_t ws) {
  const uint64_t pages = ws / 4160;
  double c = 4;
  if (pages > 64) c += 9;
  if (pages > 512) c += 8;
  if (pages > 1536)
    c += 60;  // more than the model's own references cost, so the walk start is positive
  return c;
}

constexpr double kTsc = 2.0, kCore = 3.0;  // 1.5 cycles a tick

Measurements synthetic(const std::vector<Series>& plan, bool break_caches = false) {
  Measurements m;
  m.tsc_ghz = kTsc;
  m.clock.ghz = kCore;
  m.clock.adds = 1'600'000;
  m.clock.ticks = 1'600'000 / kCore * kTsc;
  m.clock.run_ticks = {m.clock.ticks};
  for (const Series& s : plan) {
    MeasuredSeries out{s, {}};
    for (const WalkPoint& p : s.points) {
      double cycles = s.name == "caches" || s.name == "caches-4k" ? caches_cost(p.ws)
                      : s.name == "stream"                        ? 9
                      : s.name == "stride"                        ? 40
                      : s.name == "tlb-4k"                        ? tlb_cost(p.ws)
                                                                  : 21;
      if (break_caches && s.name == "caches") cycles = 4 * std::pow(p.ws / (16.0 * KiB), 1.5);
      const double ticks = cycles / (kCore / kTsc);
      out.points.push_back({p, ticks, {ticks}, p.page == PageSize::k2M ? p.ws : 0});
    }
    m.series.push_back(std::move(out));
  }
  return m;
}

FitInputs inputs(bool quick, bool break_caches = false) {
  FitInputs in;
  in.structure = skylake_like(false);
  in.base = nearest_preset(in.structure.cpu);
  in.measured = synthetic(fit_plan(plan_sizes(in.structure, in.base.name), false), break_caches);
  in.date = "2026-12-01T00:00:00Z";
  in.quick = quick;
  return in;
}

TEST(CalibratePreset, SyntheticMachineGivesAPresetThatParsesWithHostFactsAndSources) {
  const FitOutcome out = fit_preset(inputs(false));
  const CpuModel m = parse_cpu_model(out.preset.dump(), "fitted");
  EXPECT_EQ(m.name, "host");
  EXPECT_DOUBLE_EQ(m.core_ghz, 3.0);
  EXPECT_EQ(m.caches.levels[0].size_bytes, 32 * KiB);
  EXPECT_EQ(m.caches.levels[0].latency, 4u);
  EXPECT_EQ(m.caches.levels[1].size_bytes, 256 * KiB);
  EXPECT_EQ(m.caches.levels[1].latency, 12u);
  EXPECT_EQ(m.caches.levels[2].size_bytes, 4 * MiB);  // the whole L3: its own shape
  EXPECT_EQ(m.tlb_l2_hit, 9u);
  EXPECT_EQ(m.tlb.l2[0].entries(), 1536u);  // leaf 2's 0xc3
  ASSERT_TRUE(m.host);
  EXPECT_FALSE(m.host->guest);
  EXPECT_FALSE(m.host->outer_page);
  EXPECT_DOUBLE_EQ(m.host->tsc_ghz, kTsc);
  EXPECT_NE(m.host->cpu.find("a synthetic Skylake"), std::string::npos);
  const auto& sources = out.preset.at("sources");
  for (const std::string& key : measured_source_keys()) {
    ASSERT_TRUE(sources.contains(key)) << key;
    const std::string text = sources.at(key).get<std::string>();
    EXPECT_TRUE(text.rfind("measured:", 0) == 0 || text.rfind("fit:", 0) == 0)
        << key << ": " << text;
  }
  EXPECT_EQ(sources.at("walk.pwc").get<std::string>().rfind("assumption: as preset skylake", 0),
            0u);
  EXPECT_EQ(out.preset.at("calibration").at("date"), "2026-12-01T00:00:00Z");
  EXPECT_EQ(out.preset.at("calibration").at("series").size(), 6u);
}

TEST(CalibratePreset, FittedPresetPredictsItsOwnFitPoints) {
  const FitInputs in = inputs(false);
  const FitOutcome out = fit_preset(in);
  const auto model = std::make_shared<const CpuModel>(parse_cpu_model(out.preset.dump(), "fitted"));
  for (const auto& key : out.preset.at("calibration").at("fitted_points")) {
    for (const MeasuredSeries& s : in.measured.series)
      for (const MeasuredPoint& p : s.points) {
        if (p.point.key() != key.get<std::string>() || s.plan.name == "stream" ||
            s.plan.name == "stride")
          continue;
        const ListWalkSpec spec = p.point.spec();
        const double predicted =
            steady_window(prediction_config(model, p.point.page), spec, one_lap(spec), 100'000)
                .cycles;
        const double measured = p.ticks * kCore / kTsc;
        EXPECT_NEAR(predicted, measured, 0.03 * measured) << p.point.key();
      }
  }
}

TEST(CalibratePreset, CurveWithoutPlateausFailsNamingTheSeriesAndLevel) {
  try {
    fit_preset(inputs(false, true));
    FAIL() << "a shapeless caches curve was fitted";
  } catch (const FitError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("series caches"), std::string::npos) << what;
    EXPECT_NE(what.find("no plateau for L1D"), std::string::npos) << what;
  }
}

TEST(CalibratePreset, AFailedFitKeepsEveryMeasuredSeries) {
  const FitInputs in = inputs(false, true);
  const nlohmann::ordered_json kept = failed_fit_record(in, "series caches: no plateau for L1D");
  EXPECT_EQ(kept.at("error"), "series caches: no plateau for L1D");
  const auto& series = kept.at("calibration").at("series");
  ASSERT_EQ(series.size(), in.measured.series.size());
  for (size_t i = 0; i < series.size(); ++i) {
    EXPECT_EQ(series[i].at("name"), in.measured.series[i].plan.name);
    EXPECT_EQ(series[i].at("points").size(), in.measured.series[i].points.size());
  }
}

TEST(CalibratePreset, QuickRunKeepsBaseValuesWhereItCannotFitAndSaysSo) {
  const FitOutcome out = fit_preset(inputs(true, true));
  const CpuModel m = parse_cpu_model(out.preset.dump(), "quick");
  const std::string llc = out.preset.at("sources").at("caches.llc.size_kib").get<std::string>();
  EXPECT_EQ(llc.rfind("assumption: as preset skylake", 0), 0u) << llc;
  EXPECT_FALSE(out.preset.at("calibration").at("notes").empty());
  EXPECT_EQ(m.tlb_l2_hit, 9u);  // the TLB series still fitted
}

TEST(CalibratePreset, LoadFilesParse) {
  EXPECT_EQ(parse_loadavg("0.42 1.10 2.00 1/123 4567\n")[0], 0.42);
  EXPECT_THROW(parse_loadavg("busy"), std::runtime_error);
  const CpuJiffies a = parse_proc_stat_cpu_line("cpu  100 0 50 800 50 0 0 0 0 0");
  EXPECT_EQ(a.total, 1000u);
  EXPECT_EQ(a.idle, 850u);
  const CpuJiffies b = parse_proc_stat_cpu_line("cpu  200 0 50 850 50 0 0 0 0 0");
  EXPECT_DOUBLE_EQ(busy_between(a, b), 100.0 / 150.0);
  EXPECT_THROW(parse_proc_stat_cpu_line("cpu0 1 2 3 4 5"), std::runtime_error);
  EXPECT_TRUE(is_quiet({{0.5, 0, 0}, 0.05}, QuietLimits{}));
  EXPECT_FALSE(is_quiet({{0.5, 0, 0}, 0.5}, QuietLimits{}));
  EXPECT_FALSE(is_quiet({{2.0, 0, 0}, 0.0}, QuietLimits{}));
}

TEST(CalibratePreset, ALoadAverageLeftByAnEndedRunSettlesInAMinuteOrTwo) {
  EXPECT_EQ(settle_seconds(0.5, 0.7), 0);
  // One minute of e-folding: a load of 1 (one CPU busy until just now) falls to 0.7 in 21 s.
  EXPECT_NEAR(settle_seconds(1.0, 0.7), 60 * std::log(1 / 0.7), 1e-9);
  EXPECT_LT(settle_seconds(1.9, 0.7), kMaxSettleSeconds);  // two CPUs' worth: waited for
  EXPECT_GT(settle_seconds(8.0, 0.7), kMaxSettleSeconds);  // a long-busy machine: refused
  EXPECT_GT(settle_seconds(1.0, 0), kMaxSettleSeconds);
}

TEST(CalibratePreset, AtomicWriteReplacesTheFileAndLeavesNoTemporary) {
  const fs::path dir = test::scratch_file("calibrate-atomic");
  const fs::path file = dir / "sub" / "host.json";
  write_preset_file(file, "first\n");
  write_preset_file(file, "second\n");
  EXPECT_EQ(test::read_file(file), "second\n");
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(file.parent_path())) ++entries;
  EXPECT_EQ(entries, 1u);
  fs::remove_all(dir);
}

TEST(CalibratePreset, FailedWriteLeavesTheOldFileAlone) {
  const fs::path dir = test::scratch_file("calibrate-atomic-fail");
  fs::create_directories(dir / "host.json" / "occupied");  // a directory where the file goes
  EXPECT_THROW(write_preset_file(dir / "host.json", "new\n"), std::runtime_error);
  EXPECT_TRUE(fs::is_directory(dir / "host.json" / "occupied"));
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1u);  // no temporary left beside it
  fs::remove_all(dir);
}

}  // namespace
}  // namespace memvirt
