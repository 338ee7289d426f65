// The preset an uncalibrated machine is predicted with, from what CPUID names.
#include "sim/cpu_preset_choice.hpp"

#include <gtest/gtest.h>

namespace memvirt {
namespace {

HostCpu cpu(const std::string& vendor, uint32_t family, uint32_t model) {
  HostCpu c;
  c.vendor = vendor;
  c.family = family;
  c.model = model;
  return c;
}

std::string preset(const std::string& vendor, uint32_t family, uint32_t model) {
  return preset_for_cpu(cpu(vendor, family, model)).preset;
}

TEST(CpuPresetChoice, AmdFamily25BelowModel16IsZen3) {
  EXPECT_EQ(preset("AuthenticAMD", 25, 0x01), "zen3");  // Milan
  EXPECT_EQ(preset("AuthenticAMD", 25, 0x0f), "zen3");
}

TEST(CpuPresetChoice, AmdFamily25FromModel16IsZen4) {
  EXPECT_EQ(preset("AuthenticAMD", 25, 0x10), "zen4");
  EXPECT_EQ(preset("AuthenticAMD", 25, 0x11), "zen4");  // Genoa
  EXPECT_EQ(preset("AuthenticAMD", 25, 0xa0), "zen4");  // Bergamo
  EXPECT_EQ(preset("AuthenticAMD", 25, 0x61), "zen4");  // Raphael
}

TEST(CpuPresetChoice, DesktopZen3ModelsOfFamily25AreZen3) {
  EXPECT_EQ(preset("AuthenticAMD", 25, 0x21), "zen3");  // Vermeer
  EXPECT_EQ(preset("AuthenticAMD", 25, 0x50), "zen3");  // Cezanne
}

TEST(CpuPresetChoice, AmdFamily26IsZen4) { EXPECT_EQ(preset("AuthenticAMD", 26, 0x02), "zen4"); }

TEST(CpuPresetChoice, IntelIceLakeAndNewerIsIcelake) {
  EXPECT_EQ(preset("GenuineIntel", 6, 0x6a), "icelake");  // Ice Lake-SP
  EXPECT_EQ(preset("GenuineIntel", 6, 0x8f), "icelake");  // Sapphire Rapids
  EXPECT_EQ(preset("GenuineIntel", 6, 207), "icelake");   // Emerald Rapids
  EXPECT_EQ(preset("GenuineIntel", 6, 0x97), "icelake");  // Alder Lake
}

TEST(CpuPresetChoice, IntelSkylakeEraIsSkylake) {
  EXPECT_EQ(preset("GenuineIntel", 6, 0x55), "skylake");  // Skylake-SP, Cascade Lake
  EXPECT_EQ(preset("GenuineIntel", 6, 0x5e), "skylake");
  EXPECT_EQ(preset("GenuineIntel", 6, 0x9e), "skylake");  // Coffee Lake
}

TEST(CpuPresetChoice, AnythingElseIsZen3AndSaysNoPresetMatches) {
  const PresetChoice c = preset_for_cpu(cpu("GenuineIntel", 6, 0x3f));  // Haswell-EP
  EXPECT_EQ(c.preset, "zen3");
  EXPECT_EQ(c.reason, "no preset matches GenuineIntel family 6 model 63: zen3 assumed");
  EXPECT_EQ(preset("AuthenticAMD", 23, 0x31), "zen3");  // Zen 2
  EXPECT_EQ(preset("HygonGenuine", 24, 0x01), "zen3");
}

TEST(CpuPresetChoice, ReasonNamesTheProcessor) {
  EXPECT_EQ(preset_for_cpu(cpu("GenuineIntel", 6, 207)).reason,
            "GenuineIntel family 6 model 207 is Ice Lake or newer");
}

}  // namespace
}  // namespace memvirt
