// The cycle ledger and the presets: every mode's categories add up to the total, each component
// charges what it caused, runs are reproducible, and a bad preset is refused by field name.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "sim/engine.hpp"
#include "timing/cpu_model.hpp"
#include "timing/cpu_presets.hpp"
#include "workload/spec.hpp"

namespace memvirt {
namespace {

SimConfig timed(PagingMode mode) {
  SimConfig c;
  c.mode = mode;
  if (mode == PagingMode::kPv) c.model = VmmModel::kXen;
  c.cpu = std::make_shared<const CpuModel>(load_cpu_model("zen3"));
  c.tlb = tlb_config_for(c.cpu->tlb);
  c.warmup = 0;  // from first touch: the faults and exits are what is charged here
  return c;
}

RunResult run(PagingMode mode) {
  return simulate(timed(mode),
                  parse_workload_spec("listwalk:ws=4MiB,npad=7,order=random,steps=20000"));
}

TEST(TimingLedger, CategoriesAddUpAndEachEventIsChargedItsCost) {
  for (PagingMode mode : {PagingMode::kNative, PagingMode::kShadow, PagingMode::kPv,
                          PagingMode::kNested}) {
    const RunResult r = run(mode);
    const VirtCosts& v = r.config.cpu->virt;
    SCOPED_TRACE(std::string(paging_mode_name(mode)));
    ASSERT_TRUE(r.timed);
    uint64_t sum = 0;
    for (uint64_t c : r.cycles.categories()) sum += c;
    EXPECT_EQ(r.cycles.total(), sum);
    EXPECT_GT(r.cycles[CycleCategory::kData], 0u);
    EXPECT_EQ(r.cycles[CycleCategory::kVmExit], r.vm_exits.total() * v.vm_exit_entry);
    EXPECT_EQ(r.cycles[CycleCategory::kGuestPageFault], r.guest_page_faults * v.guest_page_fault);
    EXPECT_EQ(r.cycles[CycleCategory::kHypercall], r.hypercalls * v.hypercall);
    EXPECT_EQ(r.cycles[CycleCategory::kShadow],
              r.shadow_faults * v.shadow_fault + r.shadow_syncs * v.shadow_sync);
    EXPECT_EQ(r.cycles[CycleCategory::kNestedWalk] > 0, mode == PagingMode::kNested);
  }
}

TEST(TimingLedger, SameConfigAndSeedGiveIdenticalCycles) {
  const RunResult a = run(PagingMode::kNested);
  const RunResult b = run(PagingMode::kNested);
  EXPECT_EQ(a.cycles.categories(), b.cycles.categories());
}

// The zen3 preset's text with one field changed by `edit`.
std::string zen3_with(const std::function<void(nlohmann::json&)>& edit) {
  for (const EmbeddedPreset& p : embedded_cpu_presets())
    if (p.name == "zen3") {
      nlohmann::json j = nlohmann::json::parse(p.text);
      edit(j);
      return j.dump();
    }
  return {};
}

std::string refusal(const std::string& text) {
  try {
    parse_cpu_model(text, "my.json");
  } catch (const PresetError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(TimingPreset, EveryEmbeddedPresetLoads) {
  for (const std::string& name : cpu_preset_names()) EXPECT_NO_THROW(load_cpu_model(name)) << name;
  EXPECT_GE(cpu_preset_names().size(), 3u);
}

TEST(TimingPreset, AMissingFieldIsRefusedByName) {
  EXPECT_EQ(refusal(zen3_with([](auto& j) { j["caches"]["l2"].erase("latency_cycles"); })),
            "CPU preset my.json: field 'caches.l2.latency_cycles' is missing");
}

TEST(TimingPreset, AnOptionalStructureLeftOutIsAbsent) {
  const CpuModel full = parse_cpu_model(zen3_with([](auto&) {}), "zen3");
  ASSERT_GT(full.nested_tlb.sets, 0u);
  ASSERT_GT(full.tlb.l2[0].sets, 0u);
  const CpuModel m = parse_cpu_model(zen3_with([](auto& j) {
                                       j["walk"].erase("nested_tlb");
                                       j["walk"].erase("nested_pwc");
                                       j["walk"]["pwc"].erase("pml4e");
                                       j["tlb"].erase("l2");
                                     }),
                                     "my.json");
  EXPECT_EQ(m.nested_tlb.sets, 0u);
  for (int level = 2; level <= 4; ++level) EXPECT_EQ(m.nested_psc.level[level].sets, 0u);
  EXPECT_EQ(m.psc.level[4].sets, 0u);
  EXPECT_EQ(m.psc.level[2].sets, full.psc.level[2].sets);
  for (const auto& g : m.tlb.l2) EXPECT_EQ(g.sets, 0u);
  // A structure that is there must still be whole.
  EXPECT_EQ(refusal(zen3_with([](auto& j) { j["walk"]["nested_tlb"].erase("ways"); })),
            "CPU preset my.json: field 'walk.nested_tlb.ways' is missing");
  // The L1 TLB is no option.
  EXPECT_EQ(refusal(zen3_with([](auto& j) { j["tlb"]["l1"].erase("4k"); })),
            "CPU preset my.json: field 'tlb.l1.4k.entries' is missing");
}

TEST(TimingPreset, ANegativeFieldIsRefusedByName) {
  EXPECT_EQ(refusal(zen3_with([](auto& j) { j["virt"]["vm_exit_entry_cycles"] = -5; })),
            "CPU preset my.json: field 'virt.vm_exit_entry_cycles' must not be negative");
}

TEST(TimingPreset, TheMemoryChannelFieldIsRequired) {
  EXPECT_EQ(refusal(zen3_with([](auto& j) { j["caches"].erase("memory_line_cycles"); })),
            "CPU preset my.json: field 'caches.memory_line_cycles' is missing");
}

TEST(TimingPreset, ShapesNoMachineCouldHoldAreRefusedByName) {
  EXPECT_EQ(refusal(zen3_with([](auto& j) { j["caches"]["llc"]["size_kib"] = 4000000000.0; })),
            "CPU preset my.json: field 'caches.llc.size_kib' must be at most 1048576");
  EXPECT_EQ(refusal(zen3_with([](auto& j) {
              j["caches"]["llc"]["size_kib"] = 8192;
              j["caches"]["llc"]["ways"] = 131072;
            })),
            "CPU preset my.json: field 'caches.llc.ways' must be at most 65536");
  EXPECT_EQ(refusal(zen3_with([](auto& j) { j["tlb"]["l2"]["4k"]["entries"] = 4194304; })),
            "CPU preset my.json: field 'tlb.l2.4k.entries' must be at most 1048576");
}

TEST(TimingPreset, EveryFieldThatSizesALoopOrSumsCyclesIsBounded) {
  // A prefetch degree of 2^32-1 would hang a sequential run; a latency near 2^32 would wrap sums.
  EXPECT_EQ(refusal(zen3_with([](auto& j) { j["caches"]["prefetch_degree"] = 4294967295.0; })),
            "CPU preset my.json: field 'caches.prefetch_degree' must be at most 64");
  EXPECT_EQ(refusal(zen3_with([](auto& j) { j["caches"]["prefetch_degree"] = 1e6; })),
            "CPU preset my.json: field 'caches.prefetch_degree' must be at most 64");
  EXPECT_EQ(refusal(zen3_with([](auto& j) { j["caches"]["l1d"]["latency_cycles"] = 4e9; })),
            "CPU preset my.json: field 'caches.l1d.latency_cycles' must be at most 10000000");
  EXPECT_EQ(refusal(zen3_with([](auto& j) { j["virt"]["shadow_fault_cycles"] = 1e8; })),
            "CPU preset my.json: field 'virt.shadow_fault_cycles' must be at most 10000000");
  EXPECT_EQ(refusal(zen3_with([](auto& j) { j["walk"]["start_cycles"] = 1e8; })),
            "CPU preset my.json: field 'walk.start_cycles' must be at most 10000000");
  EXPECT_EQ(refusal(zen3_with([](auto& j) { j["core_ghz"] = 1e9; })),
            "CPU preset my.json: field 'core_ghz' must be at most 100");
  EXPECT_EQ(refusal(zen3_with([](auto& j) { j["caches"]["prefetch_degree"] = 64; })), "accepted");
}

TEST(TimingPreset, AHugeCountSaysHowLargeItMayBeNotThatItIsNoWholeNumber) {
  EXPECT_EQ(refusal(zen3_with([](auto& j) { j["tlb"]["l1"]["4k"]["entries"] = 1e12; })),
            "CPU preset my.json: field 'tlb.l1.4k.entries' must be at most 1048576");
  EXPECT_EQ(refusal(zen3_with([](auto& j) { j["tlb"]["l1"]["4k"]["entries"] = 63.5; })),
            "CPU preset my.json: field 'tlb.l1.4k.entries' must be a whole number");
}

TEST(TimingPreset, ACacheOfSizeZeroIsRefusedByName) {
  EXPECT_EQ(refusal(zen3_with([](auto& j) { j["caches"]["l1d"]["size_kib"] = 0; })),
            "CPU preset my.json: field 'caches.l1d.size_kib' must be at least 1");
}

TEST(TimingPreset, ADirectoryGivenAsAPresetIsCalledADirectory) {
  const std::string dir = std::filesystem::temp_directory_path().string();
  try {
    load_cpu_model(dir);
    ADD_FAILURE() << "accepted a directory";
  } catch (const PresetError& e) {
    EXPECT_EQ(std::string(e.what()),
              "CPU preset '" + dir + "' is a directory, not a preset file");
  }
}

TEST(TimingPreset, TreePlruWithWaysThatAreNoPowerOfTwoIsRefusedByName) {
  EXPECT_EQ(refusal(zen3_with([](auto& j) {
              j["caches"]["replacement"] = "plru";
              j["caches"]["l2"]["size_kib"] = 384;
              j["caches"]["l2"]["ways"] = 6;
            })),
            "CPU preset my.json: field 'caches.l2.ways' must be a power of two for \"plru\" "
            "replacement");
}

TEST(TimingPreset, TextThatIsNoJsonIsRefused) {
  EXPECT_THROW(parse_cpu_model("{\"name\": ", "my.json"), PresetError);
  // A number beyond a double's range is an out_of_range error of the JSON parser, not a syntax
  // error: it is refused all the same.
  EXPECT_THROW(parse_cpu_model("{\"name\": \"x\", \"core_ghz\": 8.8E000000002201}", "my.json"),
               PresetError);
}

TEST(TimingPreset, AnUnknownPresetNameIsRefused) {
  EXPECT_THROW(load_cpu_model("pentium"), PresetError);
}

}  // namespace
}  // namespace memvirt
