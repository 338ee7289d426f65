// The VMM end to end: probes run in a real KVM guest. Skipped, with the reason, where /dev/kvm
// is missing or not permitted. Asserts only exact outcomes, never timings.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <optional>

#include "guest/probe_payload.hpp"
#include "kvm/kvm_fd.hpp"
#include "kvm/long_mode_setup.hpp"
#include "kvm/measure.hpp"
#include "kvm/probe_runner.hpp"
#include "kvm/workload_image.hpp"
#include "workload/listwalk.hpp"

namespace memvirt {
namespace {

using probe::Mailbox;
using probe::ProbeKind;

constexpr uint64_t kSmallWorkingSet = uint64_t{2} << 20;

Mailbox request(ProbeKind kind, std::initializer_list<uint64_t> args) {
  Mailbox m;
  m.kind = static_cast<uint64_t>(kind);
  size_t i = 0;
  for (uint64_t a : args) m.args[i++] = a;
  return m;
}

class KvmProbe : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      kvm_.emplace();
    } catch (const KvmUnavailable& e) {
      GTEST_SKIP() << "needs /dev/kvm: " << e.what();
    }
    kvm_->require_capabilities();
  }

  ProbeRunner runner(PageSize page = PageSize::k4K,
                     std::chrono::milliseconds watchdog = std::chrono::milliseconds(20'000)) {
    ProbeRunnerConfig config;
    config.working_set = kSmallWorkingSet;
    config.guest_page = page;
    config.watchdog = watchdog;
    return ProbeRunner(*kvm_, config);
  }

  std::optional<Kvm> kvm_;
};

class KvmProbeListWalk : public KvmProbe, public ::testing::WithParamInterface<PageSize> {};

TEST_P(KvmProbeListWalk, ChecksumIsTheHostComputedEndOfTheChain) {
  if (GetParam() == PageSize::k1G && !cpuid_has_1g_pages(kvm_->supported_cpuid())) {
    GTEST_SKIP() << "this KVM backend offers no 1 GiB guest pages";
  }
  ProbeRunner r = runner(GetParam());
  const ListWalkSpec spec{.ws = kSmallWorkingSet, .npad = 7,
                          .order = ListWalkSpec::Order::kRandom, .steps = 100'003};
  const ListWalkLayout layout(spec, 42);
  const uint64_t start = write_list_chain(r.data(), kDataGva.raw(), layout);
  const ProbeRun run = r.run(request(ProbeKind::kListWalk, {start, spec.steps}));
  EXPECT_EQ(run.mailbox.checksum, list_chain_end(kDataGva.raw(), layout, spec.steps));
  EXPECT_EQ(run.mailbox.status, probe::kDoneMagic);
}

INSTANTIATE_TEST_SUITE_P(KvmGuestPages, KvmProbeListWalk,
                         ::testing::Values(PageSize::k4K, PageSize::k2M, PageSize::k1G),
                         [](const auto& info) { return std::string(page_size_name(info.param)); });

TEST(KvmWorkloadImage, ChainFollowsTheSimulatorsSuccessor) {
  const ListWalkSpec spec{.ws = 64 << 10, .npad = 3, .order = ListWalkSpec::Order::kRandom};
  const ListWalkLayout layout(spec, 7);
  std::vector<uint8_t> memory(spec.ws);
  const uint64_t base = 0x10000000;
  EXPECT_EQ(write_list_chain(memory, base, layout), base + layout.offset_of(layout.element_at_step(0)));
  for (uint64_t e = 0; e < layout.elements(); ++e) {
    uint64_t next = 0;
    std::memcpy(&next, memory.data() + layout.offset_of(e), 8);
    ASSERT_EQ(next, base + layout.offset_of(layout.successor(e))) << e;
  }
}

TEST_F(KvmProbe, RandomAccessChecksumMatchesTheHost) {
  ProbeRunner r = runner();
  const RandomSpec spec{.ws = kSmallWorkingSet, .steps = 50'000, .write = 0.25};
  write_word_indices(r.data(), spec.ws / 8);
  const ProbeRun run = r.run(request(ProbeKind::kRandomAccess,
                                     {kDataGva.raw(), spec.ws / 8, spec.steps, 9,
                                      std::bit_cast<uint64_t>(spec.write)}));
  EXPECT_EQ(run.mailbox.checksum, random_access_sum(spec, 9));
}

TEST_F(KvmProbe, NPortWritesAreExactlyNIoExitsWithTheirPortAndData) {
  ProbeRunner r = runner();
  constexpr uint64_t kWrites = 300;
  // An out to any other port than kProbePort / kDonePort would end run() with a GuestFault.
  const ProbeRun run = r.run(request(ProbeKind::kPortWrites, {kWrites}));
  ASSERT_EQ(run.probe_port_data.size(), kWrites);
  for (uint32_t i = 0; i < kWrites; ++i) EXPECT_EQ(run.probe_port_data[i], i);
  EXPECT_EQ(run.mailbox.checksum, kWrites);
}

TEST_F(KvmProbe, NMmioWritesAreExactlyNMmioExits) {
  ProbeRunner r = runner();
  const ProbeRun run = r.run(request(ProbeKind::kMmioWrites, {low_gva(kMmioGpa).raw(), 200}));
  EXPECT_EQ(run.mmio_writes, 200u);
  EXPECT_TRUE(run.probe_port_data.empty());
}

TEST_F(KvmProbe, RunnerCanRunProbesOneAfterAnother) {
  ProbeRunner r = runner();
  EXPECT_EQ(r.run(request(ProbeKind::kPortWrites, {3})).probe_port_data.size(), 3u);
  EXPECT_EQ(r.run(request(ProbeKind::kPortWrites, {5})).probe_port_data.size(), 5u);
}

TEST_F(KvmProbe, WatchdogStopsAProbeThatLoopsForever) {
  ProbeRunner r = runner(PageSize::k4K, std::chrono::milliseconds(300));
  try {
    r.run(request(ProbeKind::kSpin, {}));
    FAIL() << "a spinning probe returned";
  } catch (const GuestTimeout& e) {
    EXPECT_NE(std::string(e.what()).find("watchdog"), std::string::npos) << e.what();
    EXPECT_GE(e.rip(), probe::kProbeLoadAddress);
    EXPECT_LT(e.rip(), probe::kProbeLoadAddress + probe_payload().size());
  }
}

TEST_F(KvmProbe, HltAtCpl3IsReportedAsAGuestFaultAtTheHlt) {
  ProbeRunner r = runner();
  try {
    r.run(request(ProbeKind::kHlt, {}));
    FAIL() << "hlt at CPL 3 returned";
  } catch (const GuestTimeout& e) {
    FAIL() << "hlt hung until the watchdog: " << e.what();
  } catch (const GuestFault& e) {
    const uint64_t offset = e.rip() - probe::kProbeLoadAddress;
    ASSERT_LT(offset, probe_payload().size()) << e.what();
    EXPECT_EQ(probe_payload()[offset], 0xF4) << "RIP is not at a hlt: " << e.what();
    EXPECT_NE(std::string(e.what()).find("RIP"), std::string::npos) << e.what();
  }
}

TEST_F(KvmProbe, OneGigabytePagesWithoutPdpe1gbAreRefusedWithAClearMessage) {
  if (cpuid_has_1g_pages(kvm_->supported_cpuid())) GTEST_SKIP() << "this backend has PDPE1GB";
  try {
    runner(PageSize::k1G);
    FAIL() << "1 GiB guest pages were accepted";
  } catch (const KvmUnsupported& e) {
    EXPECT_NE(std::string(e.what()).find("PDPE1GB"), std::string::npos) << e.what();
  }
}

TEST_F(KvmProbe, MeasureInGuestReportsAGoodChecksum) {
  MeasureConfig config;
  config.spec = ListWalkSpec{.ws = kSmallWorkingSet, .order = ListWalkSpec::Order::kRandom,
                             .steps = 20'000};
  config.repeats = 3;
  const Measurement m = measure_in_guest(*kvm_, config);
  EXPECT_TRUE(m.checksum_ok);
  EXPECT_EQ(m.samples.size(), 3u);
}

TEST(KvmNative, MeasureNativeRunsTheSameLoopWithAGoodChecksum) {
  MeasureConfig config;
  config.spec = ListWalkSpec{.ws = kSmallWorkingSet, .npad = 7,
                             .order = ListWalkSpec::Order::kRandom, .steps = 20'000};
  config.repeats = 3;
  config.page = PageSize::k2M;
  const Measurement m = measure_native(config);
  EXPECT_TRUE(m.checksum_ok);
  EXPECT_EQ(m.samples.size(), 3u);
}

TEST(KvmDevice, AMissingDeviceIsKvmUnavailable) {
  EXPECT_THROW(Kvm("/nonexistent/kvm"), KvmUnavailable);
}

}  // namespace
}  // namespace memvirt
