// Which machine `compare` simulates for each measured row: the paging mode, both page sizes and
// the label, from the facts of the machine and of its KVM backend.
#include "sim/host_prediction.hpp"

#include <gtest/gtest.h>

namespace memvirt {
namespace {

constexpr PageSize k4K = PageSize::k4K;
constexpr PageSize k2M = PageSize::k2M;

const MachineFacts kBareMetal{false, std::nullopt};
const MachineFacts kGuestOuter4k{true, k4K};
const MachineFacts kGuestOuterUnknown{true, std::nullopt};

const KvmBackend kIntelEptOn{KvmBackendKind::kIntel, true};
const KvmBackend kAmdNptOff{KvmBackendKind::kAmd, false};
const KvmBackend kPvm{KvmBackendKind::kPvm, std::nullopt};

void expect_shape(const std::optional<PredictionShape>& s, PagingMode mode, PageSize page,
                  PageSize nested_page, const std::string& label) {
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->mode, mode);
  EXPECT_EQ(s->page, page);
  EXPECT_EQ(s->nested_page, nested_page);
  EXPECT_EQ(s->label, label);
}

TEST(HostPrediction, BareMetalProcessIsNative) {
  expect_shape(predict_host_process(kBareMetal, k2M), PagingMode::kNative, k2M, k2M,
               "native 2m (bare metal)");
}

TEST(HostPrediction, GuestProcessIsNestedUnderTheOuterPages) {
  expect_shape(predict_host_process(MachineFacts{true, k2M}, k4K), PagingMode::kNested, k4K, k2M,
               "nested 4k/2m (guest of an outer hypervisor, outer pages 2m)");
}

TEST(HostPrediction, GuestProcessWithUnknownOuterPageAssumes4kAndSaysSo) {
  expect_shape(predict_host_process(kGuestOuterUnknown, k4K), PagingMode::kNested, k4K, k4K,
               "nested 4k/4k (guest of an outer hypervisor, outer pages unknown: 4k assumed)");
}

TEST(HostPrediction, BareMetalIntelWithEptIsNestedOnTheHostBacking) {
  expect_shape(predict_kvm_guest(kBareMetal, kIntelEptOn, k4K, k2M), PagingMode::kNested, k4K, k2M,
               "nested 4k/2m: EPT on (kvm_intel)");
}

TEST(HostPrediction, BareMetalAmdWithNptOffIsShadow) {
  expect_shape(predict_kvm_guest(kBareMetal, kAmdNptOff, k2M, k2M), PagingMode::kShadow, k2M, k2M,
               "shadow 2m/2m: NPT off (kvm_amd), the backend shadows the guest's tables");
}

TEST(HostPrediction, UnreadableEptSwitchIsTakenAsOnAndSaid) {
  expect_shape(
      predict_kvm_guest(kBareMetal, KvmBackend{KvmBackendKind::kIntel, std::nullopt}, k4K, k4K),
      PagingMode::kNested, k4K, k4K, "nested 4k/4k: EPT switch unreadable, on assumed (kvm_intel)");
}

TEST(HostPrediction, PvmInAGuestWalksShadowTablesInsideTheOuterDimension) {
  expect_shape(predict_kvm_guest(kGuestOuter4k, kPvm, k4K, k4K), PagingMode::kNested, k4K, k4K,
               "nested 4k/4k: PVM shadow tables walked inside the outer nested dimension");
}

TEST(HostPrediction, PvmWith2mGuestPagesOn2mBackingHas2mShadowLeaves) {
  expect_shape(predict_kvm_guest(kGuestOuter4k, kPvm, k2M, k2M), PagingMode::kNested, k2M, k4K,
               "nested 2m/4k: PVM shadow tables walked inside the outer nested dimension");
}

TEST(HostPrediction, PvmWith2mGuestPagesOn4kBackingHas4kShadowLeaves) {
  expect_shape(predict_kvm_guest(kGuestOuter4k, kPvm, k2M, k4K), PagingMode::kNested, k4K, k4K,
               "nested 4k/4k: PVM shadow tables walked inside the outer nested dimension (2m "
               "guest pages on 4k host pages)");
}

TEST(HostPrediction, PvmWithUnknownOuterPageAssumes4kAndSaysSo) {
  expect_shape(predict_kvm_guest(kGuestOuterUnknown, kPvm, k4K, k4K), PagingMode::kNested, k4K, k4K,
               "nested 4k/4k: PVM shadow tables walked inside the outer nested dimension (outer "
               "pages unknown: 4k assumed)");
}

TEST(HostPrediction, PvmOnBareMetalWalksShadowTablesInOneDimension) {
  expect_shape(predict_kvm_guest(kBareMetal, kPvm, k2M, k2M), PagingMode::kNative, k2M, k2M,
               "native 2m: PVM shadow tables walked in one dimension (bare metal)");
}

TEST(HostPrediction, NestedVirtualizationIsABestEffortComposition) {
  const auto s = predict_kvm_guest(kGuestOuter4k, kIntelEptOn, k2M, k2M);
  expect_shape(s, PagingMode::kNested, k2M, k4K,
               "nested 2m/4k: best effort for nested virtualization (EPT of this KVM composed "
               "with the outer hypervisor's, outer pages 4k)");
}

TEST(HostPrediction, NestedVirtualizationWithShadowingKvmIsABestEffortComposition) {
  expect_shape(predict_kvm_guest(kGuestOuterUnknown, kAmdNptOff, k4K, k2M), PagingMode::kNested,
               k4K, k4K,
               "nested 4k/4k: best effort for nested virtualization (this KVM's shadow tables "
               "walked inside the outer nested dimension, outer pages unknown: 4k assumed)");
}

TEST(HostPrediction, UnknownOrAbsentBackendIsNotPredicted) {
  EXPECT_FALSE(
      predict_kvm_guest(kBareMetal, KvmBackend{KvmBackendKind::kUnknown, std::nullopt}, k4K, k4K));
  EXPECT_FALSE(predict_kvm_guest(kGuestOuter4k, KvmBackend{}, k4K, k4K));
}

TEST(HostPrediction, ShapeSetsModeAndBothPages) {
  SimConfig c;
  PredictionShape{PagingMode::kShadow, k2M, PageSize::k1G, "x"}.apply_to(c);
  EXPECT_EQ(c.mode, PagingMode::kShadow);
  EXPECT_EQ(c.page, k2M);
  EXPECT_EQ(c.nested_page, PageSize::k1G);
}

TEST(HostPrediction, TransparentHugePagesCountWhenTheyBackedMostOfTheMapping) {
  constexpr uint64_t kMiB = 1 << 20;
  EXPECT_EQ(backed_page(k2M, 64 * kMiB, 64 * kMiB), k2M);
  EXPECT_EQ(backed_page(k2M, 32 * kMiB, 64 * kMiB), k2M);
  EXPECT_EQ(backed_page(k2M, 30 * kMiB, 64 * kMiB), k4K);
  EXPECT_EQ(backed_page(k4K, 64 * kMiB, 64 * kMiB), k4K);
}

}  // namespace
}  // namespace memvirt
