#include <gtest/gtest.h>

#include "memory/frame_allocator.hpp"
#include "memory/host_memory.hpp"

namespace memvirt {
namespace {

constexpr uint64_t kGiB = 1ull << 30;

TEST(FrameAllocator, FramesAreNaturallyAlignedAndDistinct) {
  FrameAllocator<GuestPhys> a("guest-physical", 4 * kGiB);
  const GuestPhys small = a.allocate(PageSize::k4K);
  const GuestPhys big = a.allocate(PageSize::k2M);
  const GuestPhys huge = a.allocate(PageSize::k1G);
  EXPECT_TRUE(small.aligned_to(4096));
  EXPECT_TRUE(big.aligned_to(2 << 20));
  EXPECT_TRUE(huge.aligned_to(kGiB));
  EXPECT_NE(small.align_down(2 << 20), big);
  EXPECT_EQ(a.bytes_in_use(), 4096 + (2u << 20) + kGiB);
}

TEST(FrameAllocator, FreedFrameIsReusedFirst) {
  FrameAllocator<HostPhys> a("host-physical", kGiB);
  const HostPhys f1 = a.allocate(PageSize::k4K);
  a.allocate(PageSize::k4K);
  a.free(f1, PageSize::k4K);
  EXPECT_EQ(a.allocate(PageSize::k4K), f1);
}

TEST(FrameAllocator, ExhaustionNamesTheSpace) {
  FrameAllocator<GuestPhys> a("guest-physical", kGiB);
  a.allocate(PageSize::k1G);
  try {
    a.allocate(PageSize::k4K);
    FAIL() << "expected OutOfMemory";
  } catch (const OutOfMemory& e) {
    EXPECT_NE(std::string(e.what()).find("guest-physical memory exhausted"), std::string::npos);
  }
}

TEST(HostMemory, UnwrittenMemoryReadsZeroAndHoldsNoBytes) {
  HostMemory mem(HostMemoryConfig{16 * kGiB});
  const HostPhys data = mem.allocate(PageSize::k1G, FrameRole::kData);
  EXPECT_EQ(mem.read(data + 0x1238), 0u);
  EXPECT_EQ(mem.stored_frames(), 0u);
  EXPECT_EQ(mem.bytes_in_use(FrameRole::kData), kGiB);
}

TEST(HostMemory, EntriesRoundTripAndFreeForgetsThem) {
  HostMemory mem(HostMemoryConfig{kGiB});
  const HostPhys t = mem.allocate(PageSize::k4K, FrameRole::kShadowPageTable);
  mem.write(t + 8 * 511, 0xdead'b000'0000'0007ull);
  EXPECT_EQ(mem.read(t + 8 * 511), 0xdead'b000'0000'0007ull);
  EXPECT_EQ(mem.stored_frames(), 1u);
  EXPECT_EQ(mem.bytes_in_use(FrameRole::kShadowPageTable), 4096u);
  mem.free(t, PageSize::k4K, FrameRole::kShadowPageTable);
  EXPECT_EQ(mem.stored_frames(), 0u);
  EXPECT_EQ(mem.bytes_in_use(FrameRole::kShadowPageTable), 0u);
  const HostPhys again = mem.allocate(PageSize::k4K, FrameRole::kNestedPageTable);
  EXPECT_EQ(again, t);
  EXPECT_EQ(mem.read(again + 8 * 511), 0u);
}

TEST(HostMemory, AccountsEachRoleApart) {
  HostMemory mem(HostMemoryConfig{kGiB});
  mem.allocate(PageSize::k4K, FrameRole::kGuestPageTable);
  mem.allocate(PageSize::k4K, FrameRole::kNestedPageTable);
  mem.allocate(PageSize::k4K, FrameRole::kNestedPageTable);
  mem.allocate(PageSize::k2M, FrameRole::kData);
  EXPECT_EQ(mem.bytes_in_use(FrameRole::kGuestPageTable), 4096u);
  EXPECT_EQ(mem.bytes_in_use(FrameRole::kNestedPageTable), 8192u);
  EXPECT_EQ(mem.bytes_in_use(FrameRole::kShadowPageTable), 0u);
  EXPECT_EQ(mem.bytes_in_use(), 3 * 4096u + (2u << 20));
}

}  // namespace
}  // namespace memvirt
