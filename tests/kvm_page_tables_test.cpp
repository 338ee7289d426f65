// The VMM's guest page tables, read back by memvirt's own walker: every probe address must
// translate to the guest-physical address the layout intends, for 4 KiB, 2 MiB and 1 GiB guest
// pages (1 GiB built even where the backend cannot run it). Needs no /dev/kvm.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "kvm/guest_layout.hpp"
#include "kvm/guest_page_tables.hpp"
#include "kvm/long_mode_setup.hpp"
#include "memory/host_memory.hpp"
#include "mmu/walker.hpp"

namespace memvirt {
namespace {

constexpr uint64_t kWorkingSet = uint64_t{3} << 20;  // 3 MiB: spans 2 MiB pages

// HostMemory stands in for guest-physical memory (hPA = gPA): the walker reads real bytes.
HostMemory copy_tables(const std::vector<uint8_t>& low, const GuestLayout& layout) {
  HostMemory mem;
  for (uint64_t at = kTableAreaGpa.raw(); at < kTableAreaGpa.raw() + layout.table_bytes; at += 8) {
    uint64_t word = 0;
    std::memcpy(&word, low.data() + at, 8);
    mem.write(HostPhys(at), word);
  }
  return mem;
}

struct Expected {
  uint64_t gva;
  uint64_t gpa;
  bool user;
  bool writable;
};

std::vector<Expected> probe_addresses(const GuestLayout& layout) {
  std::vector<Expected> out;
  const auto low = [&](GuestPhys gpa, uint64_t bytes, bool user) {
    for (uint64_t off = 0; off < bytes; off += 4096) {
      out.push_back({gpa.raw() + off + 8, gpa.raw() + off + 8, user, user});
    }
  };
  low(kGdtGpa, 4096, false);
  low(kTssGpa, kTssBytes, false);
  low(kMailboxGpa, 4096, true);
  low(kProbeImageGpa, kProbeImageBytes, true);
  low(kStackGpa, kStackBytes, true);
  low(kMmioGpa, 4096, true);
  for (uint64_t off = 0; off < layout.data_bytes; off += 4096 + 64) {
    out.push_back({kDataGva.raw() + off, kDataGpa.raw() + off, true, true});
  }
  out.push_back({kDataGva.raw() + layout.data_bytes - 8, kDataGpa.raw() + layout.data_bytes - 8,
                 true, true});
  return out;
}

class KvmGuestPageTables : public ::testing::TestWithParam<PageSize> {};

TEST_P(KvmGuestPageTables, TranslateEveryProbeAddressToItsIntendedGuestPhysicalAddress) {
  const GuestLayout layout = GuestLayout::for_working_set(kWorkingSet, GetParam());
  std::vector<uint8_t> low(layout.low_bytes);
  const GuestPhys cr3 = build_page_tables(low, layout);
  HostMemory mem = copy_tables(low, layout);
  for (const Expected& e : probe_addresses(layout)) {
    const WalkResult r = walk_1d(mem, identity_host(cr3), 4,
                                 {.va = e.gva, .type = AccessType::kRead, .user = false,
                                  .update_ad = false});
    ASSERT_EQ(r.status, WalkStatus::kOk) << std::hex << e.gva;
    EXPECT_EQ(r.page.raw() + (e.gva & (page_bytes(r.size) - 1)), e.gpa) << std::hex << e.gva;
    EXPECT_EQ(r.perm.user, e.user) << std::hex << e.gva;
    EXPECT_EQ(r.perm.writable, e.writable) << std::hex << e.gva;
    const bool is_data = e.gva >= kDataGva.raw();
    EXPECT_EQ(r.size, is_data ? GetParam() : PageSize::k4K) << std::hex << e.gva;
  }
}

TEST_P(KvmGuestPageTables, LeaveEverythingElseUnmapped) {
  const GuestLayout layout = GuestLayout::for_working_set(kWorkingSet, GetParam());
  std::vector<uint8_t> low(layout.low_bytes);
  const GuestPhys cr3 = build_page_tables(low, layout);
  HostMemory mem = copy_tables(low, layout);
  for (uint64_t gva : {uint64_t{0}, kTableAreaGpa.raw(), kDataGva.raw() + layout.data_bytes,
                       kDataGva.raw() - 4096}) {
    const WalkResult r =
        walk_1d(mem, identity_host(cr3), 4, {.va = gva, .type = AccessType::kRead, .user = true,
                                             .update_ad = false});
    EXPECT_EQ(r.status, WalkStatus::kPageFault) << std::hex << gva;
  }
}

INSTANTIATE_TEST_SUITE_P(KvmPageSizes, KvmGuestPageTables,
                         ::testing::Values(PageSize::k4K, PageSize::k2M, PageSize::k1G),
                         [](const auto& info) { return std::string(page_size_name(info.param)); });

TEST(KvmGuestPageTablesBuilder, RejectsAMisalignedLargePage) {
  std::vector<uint8_t> low(1 << 20);
  GuestPageTables tables(low, GuestPhys(0x10000), 0x10000);
  EXPECT_THROW(tables.map(GuestVirt(0x201000), GuestPhys(0x200000), 2 << 20, PageSize::k2M, {}),
               std::invalid_argument);
}

TEST(KvmGuestPageTablesBuilder, RejectsADoubleMapping) {
  std::vector<uint8_t> low(1 << 20);
  GuestPageTables tables(low, GuestPhys(0x10000), 0x10000);
  tables.map(GuestVirt(0x200000), GuestPhys(0x200000), 4096, PageSize::k4K, {});
  EXPECT_THROW(tables.map(GuestVirt(0x200000), GuestPhys(0x300000), 4096, PageSize::k4K, {}),
               std::invalid_argument);
}

TEST(KvmGuestPageTablesBuilder, SaysWhenItsTableAreaIsFull) {
  std::vector<uint8_t> low(1 << 20);
  GuestPageTables tables(low, GuestPhys(0x10000), 0x2000);  // room for the root and one more
  EXPECT_THROW(tables.map(GuestVirt(0x200000), GuestPhys(0x200000), 4096, PageSize::k4K, {}),
               std::invalid_argument);
}

TEST(KvmLongModeSetup, UserCodeDescriptorIsA64BitDpl3CodeSegment) {
  Segment cs;
  cs.limit = 0xFFFFFFFF;
  cs.type = 0xB;
  cs.present = true;
  cs.dpl = 3;
  cs.s = true;
  cs.l = true;
  cs.g = true;
  EXPECT_EQ(encode_descriptor(cs), 0x00AFFB000000FFFFull);
}

}  // namespace
}  // namespace memvirt
