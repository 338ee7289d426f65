// Workload spec text -> typed specs, and every way a spec can be wrong.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <variant>

#include "support/spec_errors.hpp"
#include "workload/spec.hpp"

namespace memvirt {
namespace {

using namespace test;

constexpr uint64_t kKiB = 1024;
constexpr uint64_t kMiB = kKiB << 10;
constexpr uint64_t kGiB = kMiB << 10;
constexpr uint64_t kTiB = kGiB << 10;

TEST(WorkloadSpec, ParseSizeAcceptsBinaryUnitsInAnyCase) {
  EXPECT_EQ(parse_size("0"), 0u);
  EXPECT_EQ(parse_size("4096"), 4096u);
  EXPECT_EQ(parse_size("7B"), 7u);
  EXPECT_EQ(parse_size("7b"), 7u);
  EXPECT_EQ(parse_size("4k"), 4 * kKiB);
  EXPECT_EQ(parse_size("4K"), 4 * kKiB);
  EXPECT_EQ(parse_size("4KB"), 4 * kKiB);
  EXPECT_EQ(parse_size("4kib"), 4 * kKiB);
  EXPECT_EQ(parse_size("64MiB"), 64 * kMiB);
  EXPECT_EQ(parse_size("64mb"), 64 * kMiB);
  EXPECT_EQ(parse_size("3M"), 3 * kMiB);
  EXPECT_EQ(parse_size("1G"), kGiB);
  EXPECT_EQ(parse_size("1GB"), kGiB);
  EXPECT_EQ(parse_size("2GiB"), 2 * kGiB);
  EXPECT_EQ(parse_size("2T"), 2 * kTiB);
  EXPECT_EQ(parse_size("2TiB"), 2 * kTiB);
  EXPECT_EQ(parse_size("007KiB"), 7 * kKiB);
  EXPECT_EQ(parse_size("18446744073709551615"), UINT64_MAX);
}

TEST(WorkloadSpec, ParseSizeRejectsWhatIsNotASize) {
  for (const char* bad : {"", "12XB", "MiB", "1.5G", "-1", "+1", " 1", "1 MiB", "1KiBB", "0x10"}) {
    try {
      parse_size(bad);
      ADD_FAILURE() << "no error for '" << bad << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()),
                "'" + std::string(bad) +
                    "' is not a size (expected a number with an optional unit B, KiB, MiB, GiB, "
                    "TiB)");
    }
  }
}

TEST(WorkloadSpec, ParseSizeRejectsOverflow) {
  for (const char* big :
       {"99999999999999999999TiB", "18446744073709551616", "16777216TiB", "17179869184GiB"}) {
    try {
      parse_size(big);
      ADD_FAILURE() << "no error for '" << big << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()),
                "'" + std::string(big) + "' is too large (at most 2^64-1 bytes)");
    }
  }
  EXPECT_EQ(parse_size("16777215TiB"), 16777215 * kTiB);
}

TEST(WorkloadSpec, FormatSizeUsesLargestExactUnit) {
  EXPECT_EQ(format_size(0), "0B");
  EXPECT_EQ(format_size(100), "100B");
  EXPECT_EQ(format_size(1536), "1536B");
  EXPECT_EQ(format_size(4 * kKiB), "4KiB");
  EXPECT_EQ(format_size(64 * kMiB), "64MiB");
  EXPECT_EQ(format_size(3 * kGiB), "3GiB");
  EXPECT_EQ(format_size(64 * kTiB), "64TiB");
  EXPECT_EQ(format_size(2048 * kTiB), "2048TiB");
}

TEST(WorkloadSpec, NameAloneMeansDefaults) {
  EXPECT_EQ(parse_workload_spec("listwalk"), WorkloadSpec(ListWalkSpec{}));
  EXPECT_EQ(parse_workload_spec("listwalk:"), WorkloadSpec(ListWalkSpec{}));
  EXPECT_EQ(parse_workload_spec("random"), WorkloadSpec(RandomSpec{}));
  const auto lw = std::get<ListWalkSpec>(parse_workload_spec("listwalk"));
  EXPECT_EQ(lw.ws, 64 * kMiB);
  EXPECT_EQ(lw.npad, 0u);
  EXPECT_EQ(lw.order, ListWalkSpec::Order::kSeq);
  EXPECT_EQ(lw.steps, 1'000'000u);
  const auto ra = std::get<RandomSpec>(parse_workload_spec("random"));
  EXPECT_EQ(ra.ws, 64 * kMiB);
  EXPECT_EQ(ra.steps, 1'000'000u);
  EXPECT_EQ(ra.write, 0.0);
}

TEST(WorkloadSpec, ListWalkKeysSetTheirFields) {
  const auto s =
      std::get<ListWalkSpec>(parse_workload_spec("listwalk:ws=1GiB,npad=7,order=random,steps=42"));
  EXPECT_EQ(s.ws, kGiB);
  EXPECT_EQ(s.npad, 7u);
  EXPECT_EQ(s.order, ListWalkSpec::Order::kRandom);
  EXPECT_EQ(s.steps, 42u);
  EXPECT_EQ(std::get<ListWalkSpec>(parse_workload_spec("listwalk:order=seq")).order,
            ListWalkSpec::Order::kSeq);
}

TEST(WorkloadSpec, RandomKeysSetTheirFields) {
  const auto s = std::get<RandomSpec>(parse_workload_spec("random:steps=10,write=0.25,ws=4k"));
  EXPECT_EQ(s.ws, 4 * kKiB);
  EXPECT_EQ(s.steps, 10u);
  EXPECT_EQ(s.write, 0.25);
}

TEST(WorkloadSpec, BoundaryValuesAreAccepted) {
  EXPECT_EQ(std::get<ListWalkSpec>(parse_workload_spec("listwalk:ws=8")).ws, 8u);
  EXPECT_EQ(std::get<ListWalkSpec>(parse_workload_spec("listwalk:ws=32KiB,npad=4095")).npad, 4095u);
  EXPECT_EQ(std::get<ListWalkSpec>(parse_workload_spec("listwalk:ws=64TiB")).ws, 64 * kTiB);
  EXPECT_EQ(std::get<ListWalkSpec>(parse_workload_spec("listwalk:steps=1")).steps, 1u);
  EXPECT_EQ(std::get<RandomSpec>(parse_workload_spec("random:ws=8,write=0")).write, 0.0);
  EXPECT_EQ(std::get<RandomSpec>(parse_workload_spec("random:write=1")).write, 1.0);
  EXPECT_EQ(std::get<RandomSpec>(parse_workload_spec("random:write=1e-1")).write, 0.1);
}

TEST(WorkloadSpec, BadSizeNamesKeyAndText) {
  try {
    parse_workload_spec("listwalk:ws=12XB");
    FAIL() << "no error";
  } catch (const SpecError& e) {
    EXPECT_EQ(e.key(), "ws");
    EXPECT_EQ(std::string(e.what()),
              "workload 'listwalk:ws=12XB': ws: '12XB' is not a size (expected a number with an "
              "optional unit B, KiB, MiB, GiB, TiB)");
  }
}

TEST(WorkloadSpec, UnknownWorkloadListsKnownOnes) {
  expect_spec_error(
      "walk:ws=1M", "",
      "unknown workload 'walk' (known: listwalk, random, churn, ctxswitch, forkexec, trace)");
  expect_spec_error("", "", "unknown workload ''");
  expect_spec_error("ListWalk", "", "unknown workload 'ListWalk'");
}

TEST(WorkloadSpec, UnknownKeyIsNamedWithValidKeys) {
  expect_spec_error("listwalk:foo=1", "foo",
                    "unknown key 'foo' for listwalk (valid keys: ws, npad, order, steps)");
  expect_spec_error("random:npad=1", "npad",
                    "unknown key 'npad' for random (valid keys: ws, steps, write)");
}

TEST(WorkloadSpec, MalformedParametersAreRejected) {
  expect_spec_error("listwalk:ws=1M,ws=2M", "ws", "ws: given more than once");
  expect_spec_error("listwalk:ws", "ws", "ws: missing '=' (expected key=value)");
  expect_spec_error("listwalk:ws=", "ws", "ws: empty value");
  expect_spec_error("listwalk:ws=1M,", "", "empty parameter");
  expect_spec_error("listwalk:ws=1M,,steps=4", "", "empty parameter");
  expect_spec_error("listwalk:=5", "", "missing key in '=5'");
}

TEST(WorkloadSpec, BadCountsAreRejected) {
  expect_spec_error("listwalk:steps=0", "steps", "steps: '0' is not allowed");
  expect_spec_error("random:steps=0", "steps", "steps: '0' is not allowed");
  expect_spec_error("listwalk:steps=abc", "steps", "'abc' is not a whole number");
  expect_spec_error("listwalk:steps=-5", "steps", "'-5' is not a whole number");
  expect_spec_error("listwalk:steps=1M", "steps", "'1M' is not a whole number");
  expect_spec_error("random:steps=99999999999999999999", "steps",
                    "'99999999999999999999' is too large");
  expect_spec_error("listwalk:npad=4096", "npad", "npad: '4096' is too large (at most 4095)");
  expect_spec_error("listwalk:npad=99999999999999999999", "npad", "is too large");
  expect_spec_error("listwalk:order=sideways", "order",
                    "'sideways' is not an order (expected seq or random)");
}

TEST(WorkloadSpec, BadWorkingSetsAreRejected) {
  expect_spec_error("listwalk:ws=12", "ws", "ws: '12' is not a multiple of 8 bytes");
  expect_spec_error("random:ws=4", "ws", "ws: '4' is not a multiple of 8 bytes");
  expect_spec_error("listwalk:ws=0", "ws", "ws: 0B is smaller than one element with npad=0 (8B)");
  expect_spec_error("listwalk:ws=32,npad=7", "ws",
                    "ws: 32B is smaller than one element with npad=7 (64B)");
  expect_spec_error("random:ws=0", "ws", "ws: 0B is smaller than one word (8B)");
  expect_spec_error("listwalk:ws=65TiB", "ws", "ws: '65TiB' is above the limit of 64TiB");
  expect_spec_error("random:ws=99999999999999999999TiB", "ws",
                    "ws: '99999999999999999999TiB' is too large");
}

TEST(WorkloadSpec, WriteFractionOutsideUnitIntervalIsRejected) {
  for (const char* bad : {"1.5", "-0.1", "nan", "inf", "0.5x", "half", "1e999"}) {
    expect_spec_error(std::string("random:write=") + bad, "write",
                      "write: '" + std::string(bad) + "' is not a fraction in [0, 1]");
  }
}

TEST(WorkloadSpec, FormatGivesCanonicalTextThatParsesBack) {
  EXPECT_EQ(format_workload_spec(parse_workload_spec("listwalk")),
            "listwalk:ws=64MiB,npad=0,order=seq,steps=1000000");
  EXPECT_EQ(format_workload_spec(parse_workload_spec("random:write=0.25,ws=4096")),
            "random:ws=4KiB,steps=1000000,write=0.25");
  for (const char* text : {"listwalk:ws=1000,npad=3,order=random,steps=7",
                           "random:ws=24,steps=3,write=0.1", "random:write=0.3333333333333333"}) {
    const WorkloadSpec spec = parse_workload_spec(text);
    EXPECT_EQ(parse_workload_spec(format_workload_spec(spec)), spec) << text;
  }
}

TEST(WorkloadSpec, NameAndWorkingSetAreReadFromTheVariant) {
  EXPECT_EQ(workload_name(parse_workload_spec("listwalk")), "listwalk");
  EXPECT_EQ(workload_name(parse_workload_spec("random")), "random");
  EXPECT_EQ(working_set_bytes(parse_workload_spec("listwalk:ws=2GiB")), 2 * kGiB);
  EXPECT_EQ(working_set_bytes(parse_workload_spec("random:ws=1M")), kMiB);
}

}  // namespace
}  // namespace memvirt
