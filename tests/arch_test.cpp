#include <gtest/gtest.h>

#include <type_traits>

#include "arch/address.hpp"
#include "arch/ept_entry.hpp"
#include "arch/paging.hpp"
#include "arch/pte.hpp"
#include "arch/table_cursor.hpp"

namespace memvirt {
namespace {

static_assert(!std::is_convertible_v<GuestVirt, GuestPhys>);
static_assert(!std::is_convertible_v<GuestPhys, HostPhys>);
static_assert(!std::is_convertible_v<HostPhys, HostVirt>);
static_assert(!std::is_convertible_v<uint64_t, HostPhys>);
static_assert(!std::is_assignable_v<GuestPhys&, HostPhys>);

TEST(ArchAddress, AlignAndOffset) {
  const GuestVirt va(0x1234'5678);
  EXPECT_EQ(va.align_down(4096).raw(), 0x1234'5000u);
  EXPECT_EQ(va.offset_in(4096), 0x678u);
  EXPECT_TRUE(GuestVirt(0x20'0000).aligned_to(page_bytes(PageSize::k2M)));
  EXPECT_EQ((HostPhys(0x1000) + 0x10).raw(), 0x1010u);
  EXPECT_EQ(HostPhys(0x3000) - HostPhys(0x1000), 0x2000u);
}

TEST(ArchPageSize, BytesShiftsAndLevels) {
  EXPECT_EQ(page_bytes(PageSize::k4K), 4096u);
  EXPECT_EQ(page_bytes(PageSize::k2M), 2u << 20);
  EXPECT_EQ(page_bytes(PageSize::k1G), 1u << 30);
  EXPECT_EQ(leaf_level(PageSize::k4K), 1);
  EXPECT_EQ(leaf_level(PageSize::k1G), 3);
  EXPECT_EQ(page_size_at_level(2), PageSize::k2M);
  EXPECT_EQ(parse_page_size("2m"), PageSize::k2M);
  EXPECT_EQ(parse_page_size("1G"), PageSize::k1G);
  EXPECT_FALSE(parse_page_size("3k").has_value());
  EXPECT_EQ(page_size_name(PageSize::k4K), "4k");
}

TEST(ArchPaging, IndicesOfFourAndFiveLevels) {
  // PML5 index 3, PML4 5, PDPT 7, PD 9, PT 11, offset 0xabc.
  const uint64_t va = (3ull << 48) | (5ull << 39) | (7ull << 30) | (9ull << 21) | (11ull << 12) |
                      0xabc;
  EXPECT_EQ(table_index(va, 5), 3u);
  EXPECT_EQ(table_index(va, 4), 5u);
  EXPECT_EQ(table_index(va, 3), 7u);
  EXPECT_EQ(table_index(va, 2), 9u);
  EXPECT_EQ(table_index(va, 1), 11u);
  EXPECT_EQ(level_span(2), 2u << 20);
  EXPECT_EQ(address_bits(4), 48);
  EXPECT_EQ(address_bits(5), 57);
}

TEST(ArchPaging, CanonicalAddresses) {
  EXPECT_TRUE(is_canonical(0x0000'7fff'ffff'ffffull, 4));
  EXPECT_FALSE(is_canonical(0x0000'8000'0000'0000ull, 4));
  EXPECT_TRUE(is_canonical(0xffff'8000'0000'0000ull, 4));
  EXPECT_TRUE(is_canonical(0x0000'8000'0000'0000ull, 5));
  EXPECT_EQ(user_space_end(4), 1ull << 47);
  EXPECT_EQ(user_space_end(5), 1ull << 56);
}

TEST(ArchPte, FieldsSitAtTheirArchitecturalBits) {
  EXPECT_EQ(Pte().set_present(true).raw(), 1ull << 0);
  EXPECT_EQ(Pte().set_writable(true).raw(), 1ull << 1);
  EXPECT_EQ(Pte().set_user(true).raw(), 1ull << 2);
  EXPECT_EQ(Pte().set_pwt(true).raw(), 1ull << 3);
  EXPECT_EQ(Pte().set_pcd(true).raw(), 1ull << 4);
  EXPECT_EQ(Pte().set_accessed(true).raw(), 1ull << 5);
  EXPECT_EQ(Pte().set_dirty(true).raw(), 1ull << 6);
  EXPECT_EQ(Pte().set_large(true).raw(), 1ull << 7);
  EXPECT_EQ(Pte().set_global(true).raw(), 1ull << 8);
  EXPECT_EQ(Pte().set_no_execute(true).raw(), 1ull << 63);
  EXPECT_EQ(Pte().set_frame(0xFFFF'1234'5678'9ABCull).frame(), 0x000F'1234'5678'9000ull);
  const Pte p = Pte(0x8000'0000'0012'3067ull);
  EXPECT_TRUE(p.present() && p.writable() && p.user() && p.accessed() && p.dirty());
  EXPECT_TRUE(p.no_execute());
  EXPECT_FALSE(p.large() || p.global() || p.pwt() || p.pcd());
  EXPECT_EQ(p.frame(), 0x123000u);
}

TEST(ArchPte, LeafAtLevelOneOrLargeAtTwoAndThree) {
  EXPECT_TRUE(is_leaf_entry(Pte(1), 1));
  EXPECT_FALSE(is_leaf_entry(Pte(1), 2));
  EXPECT_TRUE(is_leaf_entry(Pte().set_large(true), 2));
  EXPECT_TRUE(is_leaf_entry(Pte().set_large(true), 3));
  EXPECT_FALSE(is_leaf_entry(Pte().set_large(true), 4));
}

TEST(ArchEpt, FieldsSitAtTheirArchitecturalBits) {
  EXPECT_EQ(EptEntry().set_readable(true).raw(), 1ull << 0);
  EXPECT_EQ(EptEntry().set_writable(true).raw(), 1ull << 1);
  EXPECT_EQ(EptEntry().set_executable(true).raw(), 1ull << 2);
  EXPECT_EQ(EptEntry().set_memory_type(EptMemoryType::kWriteBack).raw(), 6ull << 3);
  EXPECT_EQ(EptEntry().set_ignore_pat(true).raw(), 1ull << 6);
  EXPECT_EQ(EptEntry().set_large(true).raw(), 1ull << 7);
  EXPECT_EQ(EptEntry().set_accessed(true).raw(), 1ull << 8);
  EXPECT_EQ(EptEntry().set_dirty(true).raw(), 1ull << 9);
  const EptEntry e(0x5000 | 0x37);  // R W X, WB, not ignore-PAT
  EXPECT_TRUE(e.present());
  EXPECT_EQ(e.memory_type(), EptMemoryType::kWriteBack);
  EXPECT_EQ(e.frame(), 0x5000u);
  EXPECT_FALSE(EptEntry(0x5000).present());
  EXPECT_TRUE(EptEntry(0x4).present());  // execute-only is present
}

}  // namespace
}  // namespace memvirt
