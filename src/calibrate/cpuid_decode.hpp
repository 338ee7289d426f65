#pragma once
// CPUID's descriptions of caches and TLBs, decoded from register values alone: pure functions, so
// that each leaf's layout is tested on recorded values, whatever CPU runs the tests.
//   leaf 4 (Intel) and 0x8000001D (AMD): deterministic cache parameters, one subleaf per cache;
//   0x80000005 / 0x80000006 (AMD): L1 and L2 TLBs (and the L1, L2, L3 caches, coarsely);
//   leaf 0x18 (Intel): deterministic address translation parameters, one subleaf per TLB;
//   leaf 2 (Intel): one-byte descriptors, the fallback where leaf 0x18 says nothing.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kvm/host_cpu.hpp"

namespace memvirt {

enum class CacheKind : uint8_t { kData, kInstruction, kUnified };

struct CacheInfo {
  int level = 0;
  CacheKind kind = CacheKind::kData;
  uint64_t size_bytes = 0;
  uint32_t ways = 0;  // for a fully associative cache: size / line
  uint32_t sets = 0;
  uint32_t line_bytes = 0;
  uint32_t shared_by = 1;  // logical processors sharing it
  bool fully_associative = false;

  friend bool operator==(const CacheInfo&, const CacheInfo&) = default;
};

// Which TLB: loads only (Intel's load DTLB), stores only, data, instructions, or shared.
enum class TlbKind : uint8_t { kData, kInstruction, kUnified, kLoadOnly, kStoreOnly };

struct TlbInfo {
  int level = 0;
  TlbKind kind = TlbKind::kData;
  bool page_4k = false, page_2m = false, page_1g = false;  // page sizes it holds
  uint32_t entries = 0;
  uint32_t ways = 0;  // == entries when fully associative
  // The associativity is a lower bound (AMD's 0x80000006 encodes ranges of ways on newer parts)
  bool ways_approximate = false;
  std::string from;  // "leaf 0x18.3", "leaf 2 descriptor 0xc3", "0x80000006.ebx"

  bool data_side() const { return kind != TlbKind::kInstruction && kind != TlbKind::kStoreOnly; }
  friend bool operator==(const TlbInfo&, const TlbInfo&) = default;
};

// One subleaf of leaf 4 or 0x8000001D; nullopt for the null entry that ends the list.
std::optional<CacheInfo> decode_cache_parameters(const CpuidRegs& r);

// AMD 0x80000005 (L1) and 0x80000006 (L2): the data and instruction TLBs with entries > 0.
std::vector<TlbInfo> decode_amd_l1_tlbs(const CpuidRegs& leaf_80000005);
std::vector<TlbInfo> decode_amd_l2_tlbs(const CpuidRegs& leaf_80000006);
// AMD's 4-bit associativity code of 0x80000006: the ways (0: disabled or a code that defers to
// 0x8000001D), and whether the code stands for a range of which this is the least.
struct AmdWays {
  uint32_t ways = 0;
  bool fully = false;
  bool approximate = false;
};
AmdWays decode_amd_ways(uint32_t code);

// One subleaf of leaf 0x18; nullopt for an invalid (null-type) subleaf.
std::optional<TlbInfo> decode_translation_parameters(const CpuidRegs& r, uint32_t subleaf);

// What leaf 2's descriptor bytes say about TLBs, and whether they defer to leaf 0x18 (0xfe).
struct Leaf2Tlbs {
  std::vector<TlbInfo> tlbs;
  bool see_leaf_18 = false;
};
Leaf2Tlbs decode_leaf2_tlbs(const CpuidRegs& leaf2);

std::string cache_kind_name(CacheKind kind);
std::string tlb_kind_name(TlbKind kind);
// "L1 data TLB, 4k+2m, 64 entries, 4-way (leaf 0x18.1)"
std::string describe(const TlbInfo& t);
// "L2 unified 2048 KiB, 16-way, 2048 sets, 64 B lines, shared by 2"
std::string describe(const CacheInfo& c);

}  // namespace memvirt
