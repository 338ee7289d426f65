// CPUID's cache and TLB leaves decoded from recorded register values: leaf 4 as this project's
// Emerald Rapids guest returns it, 0x8000001D / 0x80000005 / 0x80000006 as Zen 3 and Zen 4 parts
// return them, leaf 2 as a Skylake client returns it, and leaf 0x18 subleaves laid out as the
// SDM describes them for a Golden Cove-like core.
#include <gtest/gtest.h>

#include "calibrate/cpuid_decode.hpp"
#include "calibrate/machine_structure.hpp"

namespace memvirt {
namespace {

constexpr uint64_t KiB = 1024, MiB = 1024 * KiB;

TEST(CalibrateCpuid, Leaf4GivesSizeWaysSetsAndSharing) {
  const auto l1 = decode_cache_parameters({0x04000121, 0x02c0003f, 0x0000003f, 0});
  ASSERT_TRUE(l1);
  EXPECT_EQ(l1->level, 1);
  EXPECT_EQ(l1->kind, CacheKind::kData);
  EXPECT_EQ(l1->size_bytes, 48 * KiB);
  EXPECT_EQ(l1->ways, 12u);
  EXPECT_EQ(l1->sets, 64u);
  EXPECT_EQ(l1->line_bytes, 64u);
  EXPECT_EQ(l1->shared_by, 1u);

  const auto l2 = decode_cache_parameters({0x04000143, 0x03c0003f, 0x000007ff, 0});
  ASSERT_TRUE(l2);
  EXPECT_EQ(l2->level, 2);
  EXPECT_EQ(l2->kind, CacheKind::kUnified);
  EXPECT_EQ(l2->size_bytes, 2 * MiB);
  EXPECT_EQ(l2->ways, 16u);

  const auto l3 = decode_cache_parameters({0x04004163, 0x04c0003f, 0x0003bfff, 0x4});
  ASSERT_TRUE(l3);
  EXPECT_EQ(l3->level, 3);
  EXPECT_EQ(l3->size_bytes, 300 * MiB);
  EXPECT_EQ(l3->ways, 20u);
  EXPECT_EQ(l3->sets, 245760u);
  EXPECT_EQ(l3->shared_by, 2u);
}

TEST(CalibrateCpuid, NullSubleafEndsTheCacheList) {
  EXPECT_FALSE(decode_cache_parameters({0, 0, 0, 0}));
}

TEST(CalibrateCpuid, Amd8000001DHasTheLeaf4Layout) {
  const auto l1 = decode_cache_parameters({0x00004121, 0x01c0003f, 0x0000003f, 0});
  ASSERT_TRUE(l1);
  EXPECT_EQ(l1->size_bytes, 32 * KiB);
  EXPECT_EQ(l1->ways, 8u);
  EXPECT_EQ(l1->shared_by, 2u);
  const auto l3 = decode_cache_parameters({0x0003c163, 0x03c0003f, 0x00007fff, 0x1});
  ASSERT_TRUE(l3);
  EXPECT_EQ(l3->size_bytes, 32 * MiB);
  EXPECT_EQ(l3->ways, 16u);
  EXPECT_EQ(l3->sets, 32768u);
  EXPECT_EQ(l3->shared_by, 16u);
}

TEST(CalibrateCpuid, Amd80000005GivesFullyAssociativeL1Tlbs) {
  const auto tlbs = decode_amd_l1_tlbs({0xff48ff40, 0xff48ff40, 0x20080140, 0x20080140});
  ASSERT_EQ(tlbs.size(), 4u);
  const TlbInfo& d4k = tlbs[0];
  EXPECT_EQ(d4k.level, 1);
  EXPECT_EQ(d4k.kind, TlbKind::kData);
  EXPECT_TRUE(d4k.page_4k);
  EXPECT_EQ(d4k.entries, 72u);
  EXPECT_EQ(d4k.ways, 72u);  // 0xff: fully associative
  const TlbInfo& d2m = tlbs[1];
  EXPECT_TRUE(d2m.page_2m);
  EXPECT_EQ(d2m.entries, 72u);
  EXPECT_EQ(tlbs[2].kind, TlbKind::kInstruction);
  EXPECT_EQ(tlbs[2].entries, 64u);
}

TEST(CalibrateCpuid, Amd80000006DecodesEntriesAndAssociativityCodes) {
  const auto tlbs = decode_amd_l2_tlbs({0x48002200, 0x68004200, 0x02006140, 0x01009140});
  ASSERT_EQ(tlbs.size(), 4u);
  const TlbInfo& d4k = tlbs[0];
  EXPECT_EQ(d4k.level, 2);
  EXPECT_TRUE(d4k.page_4k);
  EXPECT_EQ(d4k.entries, 2048u);
  EXPECT_EQ(d4k.ways, 8u);  // code 6
  EXPECT_TRUE(d4k.ways_approximate);
  const TlbInfo& d2m = tlbs[1];
  EXPECT_TRUE(d2m.page_2m);
  EXPECT_EQ(d2m.entries, 2048u);
  EXPECT_EQ(d2m.ways, 4u);  // code 4
  EXPECT_EQ(tlbs[2].kind, TlbKind::kInstruction);
  EXPECT_EQ(tlbs[2].entries, 512u);
}

TEST(CalibrateCpuid, AmdAssociativityCodeTable) {
  EXPECT_EQ(decode_amd_ways(0x2).ways, 2u);
  EXPECT_FALSE(decode_amd_ways(0x2).approximate);
  EXPECT_EQ(decode_amd_ways(0x8).ways, 16u);
  EXPECT_EQ(decode_amd_ways(0xa).ways, 32u);
  EXPECT_TRUE(decode_amd_ways(0xf).fully);
  EXPECT_EQ(decode_amd_ways(0x9).ways, 0u);  // "see 0x8000001D"
  EXPECT_EQ(decode_amd_ways(0x0).ways, 0u);  // disabled
}

TEST(CalibrateCpuid, Leaf2DescriptorsOfASkylakeClient) {
  const Leaf2Tlbs d = decode_leaf2_tlbs({0x76036301, 0x00f0b5ff, 0x00000000, 0x00c30000});
  EXPECT_FALSE(d.see_leaf_18);
  // 0x63: 2 MiB (and a 1 GiB array), 0x03: 4 KiB, 0xc3: the shared STLB (and its 1 GiB array);
  // 0x76 and 0xb5 are instruction TLBs, 0xff and 0xf0 no TLBs.
  ASSERT_EQ(d.tlbs.size(), 5u);
  EXPECT_EQ(d.tlbs[0].entries, 32u);
  EXPECT_TRUE(d.tlbs[0].page_2m);
  EXPECT_EQ(d.tlbs[0].ways, 4u);
  EXPECT_EQ(d.tlbs[1].entries, 4u);
  EXPECT_TRUE(d.tlbs[1].page_1g);
  EXPECT_EQ(d.tlbs[2].entries, 64u);
  EXPECT_TRUE(d.tlbs[2].page_4k);
  EXPECT_EQ(d.tlbs[3].level, 2);
  EXPECT_EQ(d.tlbs[3].kind, TlbKind::kUnified);
  EXPECT_EQ(d.tlbs[3].entries, 1536u);
  EXPECT_EQ(d.tlbs[3].ways, 6u);
  EXPECT_TRUE(d.tlbs[3].page_4k && d.tlbs[3].page_2m);
  EXPECT_EQ(d.tlbs[4].entries, 16u);
  EXPECT_TRUE(d.tlbs[4].page_1g);
}

TEST(CalibrateCpuid, Leaf2DescriptorFeDefersToLeaf18) {
  // This project's Emerald Rapids guest: 0xff (caches: leaf 4), 0xfe (TLBs: leaf 0x18), 0xf0.
  const Leaf2Tlbs d = decode_leaf2_tlbs({0x00feff01, 0x000000f0, 0, 0});
  EXPECT_TRUE(d.see_leaf_18);
  EXPECT_TRUE(d.tlbs.empty());
}

TEST(CalibrateCpuid, Leaf2RegisterWithBit31SetHoldsNoDescriptors) {
  EXPECT_TRUE(decode_leaf2_tlbs({0x00000001, 0x80000003, 0, 0}).tlbs.empty());
}

TEST(CalibrateCpuid, Leaf18GivesWaysTimesSetsAndTheKind) {
  // Load-only L1 DTLB: 4 KiB pages, 6 ways x 16 sets.
  const auto load = decode_translation_parameters({0, 0x00060001, 16, 0x00000024}, 1);
  ASSERT_TRUE(load);
  EXPECT_EQ(load->kind, TlbKind::kLoadOnly);
  EXPECT_EQ(load->level, 1);
  EXPECT_TRUE(load->page_4k);
  EXPECT_FALSE(load->page_2m);
  EXPECT_EQ(load->entries, 96u);
  EXPECT_EQ(load->ways, 6u);
  EXPECT_TRUE(load->data_side());
  // Shared STLB: 4 KiB and 2 MiB pages, 16 ways x 128 sets.
  const auto stlb = decode_translation_parameters({0, 0x00100003, 128, 0x00000043}, 2);
  ASSERT_TRUE(stlb);
  EXPECT_EQ(stlb->kind, TlbKind::kUnified);
  EXPECT_EQ(stlb->level, 2);
  EXPECT_TRUE(stlb->page_4k && stlb->page_2m);
  EXPECT_EQ(stlb->entries, 2048u);
  EXPECT_EQ(stlb->from, "leaf 0x18.2");
  // Fully associative store-only TLB of 16 entries: not on the data side of a load.
  const auto store = decode_translation_parameters({0, 0x0010000f, 1, 0x00000125}, 3);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->ways, 16u);
  EXPECT_TRUE(store->page_1g);
  EXPECT_FALSE(store->data_side());
}

TEST(CalibrateCpuid, Leaf18NullSubleafIsInvalid) {
  EXPECT_FALSE(decode_translation_parameters({3, 0, 0, 0}, 0));
}

TEST(CalibrateCpuid, LoadOnlyDtlbIsPreferredForLoads) {
  MachineStructure m;
  m.tlbs.push_back(*decode_translation_parameters({0, 0x00040001, 16, 0x00000021}, 1));  // data 64
  m.tlbs.push_back(*decode_translation_parameters({0, 0x00060001, 16, 0x00000024}, 2));  // load 96
  m.tlbs.push_back(*decode_translation_parameters({0, 0x00100003, 128, 0x00000043}, 3));
  ASSERT_NE(m.tlb(1, 0), nullptr);
  EXPECT_EQ(m.tlb(1, 0)->entries, 96u);
  ASSERT_NE(m.tlb(2, 1), nullptr);
  EXPECT_EQ(m.tlb(2, 1)->entries, 2048u);
  EXPECT_EQ(m.tlb(1, 2), nullptr);
}

TEST(CalibrateCpuid, SysfsCacheTextParses) {
  const auto c = parse_sysfs_cache("3", "Unified", "307200K", "20", "245760", "64");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->size_bytes, 300 * MiB);
  EXPECT_EQ(c->ways, 20u);
  EXPECT_FALSE(parse_sysfs_cache("1", "Instruction", "32K", "8", "64", "64"));
  EXPECT_THROW(parse_sysfs_cache("1", "Data", "48K", "twelve", "64", "64"), std::invalid_argument);
}

TEST(CalibrateCpuid, CacheDisagreementBetweenCpuidAndSysfsIsReported) {
  const CacheInfo cpuid = *decode_cache_parameters({0x04000121, 0x02c0003f, 0x0000003f, 0});
  CacheInfo sysfs = cpuid;
  EXPECT_TRUE(compare_caches({cpuid}, {sysfs}).empty());
  sysfs.size_bytes = 32 * KiB;
  sysfs.ways = 8;
  const auto d = compare_caches({cpuid}, {sysfs});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].find("L1"), std::string::npos);
  EXPECT_NE(d[0].find("48 KiB"), std::string::npos) << d[0];
}

}  // namespace
}  // namespace memvirt
