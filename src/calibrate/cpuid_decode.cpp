#include "calibrate/cpuid_decode.hpp"

#include <fmt/format.h>

#include <array>

namespace memvirt {
namespace {

constexpr uint32_t bits(uint32_t value, int hi, int lo) {
  return (value >> lo) & ((uint32_t{1} << (hi - lo + 1)) - 1);
}

// One half of an AMD TLB register: entries in `entries_bits`, associativity in `ways_bits`.
struct AmdField {
  int ways_hi, ways_lo, entries_hi, entries_lo;
};

void add_amd_tlb(std::vector<TlbInfo>& out, uint32_t reg, AmdField f, int level, TlbKind kind,
                 bool large, bool l1_code, const std::string& from) {
  const uint32_t entries = bits(reg, f.entries_hi, f.entries_lo);
  if (entries == 0) return;
  TlbInfo t;
  t.level = level;
  t.kind = kind;
  t.page_4k = !large;
  t.page_2m = large;
  t.entries = entries;
  const uint32_t code = bits(reg, f.ways_hi, f.ways_lo);
  if (l1_code) {  // 0x80000005 gives the ways themselves, 0xff for fully associative
    t.ways = code == 0xff ? entries : code;
  } else {
    const AmdWays w = decode_amd_ways(code);
    t.ways = w.fully ? entries : w.ways;
    t.ways_approximate = w.approximate;
  }
  t.from = from;
  out.push_back(t);
}

struct Leaf2Descriptor {
  uint8_t code;
  int level;
  TlbKind kind;
  bool page_4k, page_2m, page_1g;
  uint32_t entries;
  uint32_t ways;  // 0: fully associative
};

// The data-side TLB descriptors of the SDM's leaf 2 table (vol. 2A, "Encoding of CPUID Leaf 2
// Descriptors"); "4 MByte" entries hold 2 MiB pages in long mode. Instruction TLBs, caches and
// prefetch descriptors are left to other leaves.
constexpr std::array<Leaf2Descriptor, 26> kLeaf2Tlbs = {{
    {0x03, 1, TlbKind::kData, true, false, false, 64, 4},
    {0x04, 1, TlbKind::kData, false, true, false, 8, 4},
    {0x05, 1, TlbKind::kData, false, true, false, 32, 4},
    {0x56, 1, TlbKind::kData, false, true, false, 16, 4},
    {0x57, 1, TlbKind::kData, true, false, false, 16, 4},
    {0x59, 1, TlbKind::kData, true, false, false, 16, 0},
    {0x5a, 1, TlbKind::kData, false, true, false, 32, 4},
    {0x5b, 1, TlbKind::kData, true, true, false, 64, 0},
    {0x5c, 1, TlbKind::kData, true, true, false, 128, 0},
    {0x5d, 1, TlbKind::kData, true, true, false, 256, 0},
    {0x63, 1, TlbKind::kData, false, true, false, 32, 4},  // with a 1 GiB array, below
    {0x64, 1, TlbKind::kData, true, false, false, 512, 4},
    {0x6a, 1, TlbKind::kData, true, false, false, 64, 8},
    {0x6b, 1, TlbKind::kData, true, false, false, 256, 8},
    {0x6c, 1, TlbKind::kData, false, true, false, 128, 8},
    {0x6d, 1, TlbKind::kData, false, false, true, 16, 0},
    {0xa0, 1, TlbKind::kData, true, false, false, 32, 0},
    {0xb3, 1, TlbKind::kData, true, false, false, 128, 4},
    {0xb4, 1, TlbKind::kData, true, false, false, 256, 4},
    {0xba, 1, TlbKind::kData, true, false, false, 64, 4},
    {0xc0, 1, TlbKind::kData, true, true, false, 8, 4},
    {0xc1, 2, TlbKind::kUnified, true, true, false, 1024, 8},
    {0xc2, 1, TlbKind::kData, true, true, false, 16, 4},
    {0xc3, 2, TlbKind::kUnified, true, true, false, 1536, 6},  // with a 1 GiB array, below
    {0xc4, 1, TlbKind::kData, false, true, false, 32, 4},
    {0xca, 2, TlbKind::kUnified, true, false, false, 512, 4},
}};

// Descriptors that describe two structures: the second one (1 GiB pages).
std::optional<Leaf2Descriptor> second_array(uint8_t code) {
  if (code == 0x63) return Leaf2Descriptor{0x63, 1, TlbKind::kData, false, false, true, 4, 4};
  if (code == 0xc3) return Leaf2Descriptor{0xc3, 2, TlbKind::kUnified, false, false, true, 16, 4};
  return std::nullopt;
}

TlbInfo from_descriptor(const Leaf2Descriptor& d) {
  TlbInfo t;
  t.level = d.level;
  t.kind = d.kind;
  t.page_4k = d.page_4k;
  t.page_2m = d.page_2m;
  t.page_1g = d.page_1g;
  t.entries = d.entries;
  t.ways = d.ways == 0 ? d.entries : d.ways;
  t.from = fmt::format("leaf 2 descriptor {:#04x}", d.code);
  return t;
}

void add_descriptor(Leaf2Tlbs& out, uint8_t code) {
  if (code == 0xfe) out.see_leaf_18 = true;
  for (const Leaf2Descriptor& d : kLeaf2Tlbs) {
    if (d.code != code) continue;
    out.tlbs.push_back(from_descriptor(d));
    if (const auto extra = second_array(code)) out.tlbs.push_back(from_descriptor(*extra));
  }
}

std::string pages_text(const TlbInfo& t) {
  std::string s;
  for (auto [on, name] : {std::pair{t.page_4k, "4k"}, {t.page_2m, "2m"}, {t.page_1g, "1g"}})
    if (on) s += (s.empty() ? "" : "+") + std::string(name);
  return s;
}

}  // namespace

std::optional<CacheInfo> decode_cache_parameters(const CpuidRegs& r) {
  const uint32_t type = bits(r.eax, 4, 0);
  if (type == 0 || type > 3) return std::nullopt;
  CacheInfo c;
  c.kind = type == 1 ? CacheKind::kData : type == 2 ? CacheKind::kInstruction : CacheKind::kUnified;
  c.level = static_cast<int>(bits(r.eax, 7, 5));
  c.fully_associative = bits(r.eax, 9, 9) != 0;
  c.shared_by = bits(r.eax, 25, 14) + 1;
  c.line_bytes = bits(r.ebx, 11, 0) + 1;
  const uint32_t partitions = bits(r.ebx, 21, 12) + 1;
  c.ways = bits(r.ebx, 31, 22) + 1;
  c.sets = r.ecx + 1;
  c.size_bytes = uint64_t{c.ways} * partitions * c.line_bytes * c.sets;
  return c;
}

AmdWays decode_amd_ways(uint32_t code) {
  // AMD's table: 5 and the codes from 6 up name the least of a range on recent parts (the PPR
  // for family 19h writes "8 to 15 ways" for 6); 9 says "see 0x8000001D".
  switch (code) {
    case 0x1:
      return {1, false, false};
    case 0x2:
      return {2, false, false};
    case 0x3:
      return {3, false, false};
    case 0x4:
      return {4, false, true};
    case 0x5:
      return {6, false, true};
    case 0x6:
      return {8, false, true};
    case 0x8:
      return {16, false, true};
    case 0xa:
      return {32, false, true};
    case 0xb:
      return {48, false, true};
    case 0xc:
      return {64, false, true};
    case 0xd:
      return {96, false, true};
    case 0xe:
      return {128, false, true};
    case 0xf:
      return {0, true, false};
    default:
      return {0, false, false};
  }
}

std::vector<TlbInfo> decode_amd_l1_tlbs(const CpuidRegs& r) {
  std::vector<TlbInfo> out;
  const AmdField data{31, 24, 23, 16}, code{15, 8, 7, 0};
  add_amd_tlb(out, r.ebx, data, 1, TlbKind::kData, false, true, "0x80000005.ebx");
  add_amd_tlb(out, r.eax, data, 1, TlbKind::kData, true, true, "0x80000005.eax");
  add_amd_tlb(out, r.ebx, code, 1, TlbKind::kInstruction, false, true, "0x80000005.ebx");
  add_amd_tlb(out, r.eax, code, 1, TlbKind::kInstruction, true, true, "0x80000005.eax");
  return out;
}

std::vector<TlbInfo> decode_amd_l2_tlbs(const CpuidRegs& r) {
  std::vector<TlbInfo> out;
  const AmdField data{31, 28, 27, 16}, code{15, 12, 11, 0};
  add_amd_tlb(out, r.ebx, data, 2, TlbKind::kData, false, false, "0x80000006.ebx");
  add_amd_tlb(out, r.eax, data, 2, TlbKind::kData, true, false, "0x80000006.eax");
  add_amd_tlb(out, r.ebx, code, 2, TlbKind::kInstruction, false, false, "0x80000006.ebx");
  add_amd_tlb(out, r.eax, code, 2, TlbKind::kInstruction, true, false, "0x80000006.eax");
  return out;
}

std::optional<TlbInfo> decode_translation_parameters(const CpuidRegs& r, uint32_t subleaf) {
  const uint32_t type = bits(r.edx, 4, 0);
  if (type == 0 || type > 5) return std::nullopt;
  constexpr std::array<TlbKind, 5> kinds = {TlbKind::kData, TlbKind::kInstruction,
                                            TlbKind::kUnified, TlbKind::kLoadOnly,
                                            TlbKind::kStoreOnly};
  TlbInfo t;
  t.kind = kinds[type - 1];
  t.level = static_cast<int>(bits(r.edx, 7, 5));
  t.page_4k = bits(r.ebx, 0, 0) != 0;
  t.page_2m = bits(r.ebx, 1, 1) != 0 || bits(r.ebx, 2, 2) != 0;  // 4 MiB entries hold 2 MiB
  t.page_1g = bits(r.ebx, 3, 3) != 0;
  const uint32_t ways = bits(r.ebx, 31, 16);
  t.entries = ways * r.ecx;
  t.ways = bits(r.edx, 8, 8) != 0 ? t.entries : ways;
  t.from = fmt::format("leaf 0x18.{}", subleaf);
  if (t.entries == 0) return std::nullopt;
  return t;
}

Leaf2Tlbs decode_leaf2_tlbs(const CpuidRegs& r) {
  Leaf2Tlbs out;
  const std::array<uint32_t, 4> regs = {r.eax, r.ebx, r.ecx, r.edx};
  for (size_t i = 0; i < regs.size(); ++i) {
    if (bits(regs[i], 31, 31) != 0) continue;  // bit 31 set: the register holds no descriptors
    // AL is the count of times to execute leaf 2 (always 1), not a descriptor.
    for (int byte = i == 0 ? 1 : 0; byte < 4; ++byte)
      add_descriptor(out, static_cast<uint8_t>(bits(regs[i], 8 * byte + 7, 8 * byte)));
  }
  return out;
}

std::string cache_kind_name(CacheKind kind) {
  switch (kind) {
    case CacheKind::kData:
      return "data";
    case CacheKind::kInstruction:
      return "instruction";
    case CacheKind::kUnified:
      return "unified";
  }
  return "?";
}

std::string tlb_kind_name(TlbKind kind) {
  switch (kind) {
    case TlbKind::kData:
      return "data";
    case TlbKind::kInstruction:
      return "instruction";
    case TlbKind::kUnified:
      return "unified";
    case TlbKind::kLoadOnly:
      return "load";
    case TlbKind::kStoreOnly:
      return "store";
  }
  return "?";
}

std::string describe(const TlbInfo& t) {
  const std::string ways = t.ways == t.entries
                               ? "fully associative"
                               : fmt::format("{}{}-way", t.ways_approximate ? ">=" : "", t.ways);
  return fmt::format("L{} {} TLB, {} pages, {} entries, {} ({})", t.level, tlb_kind_name(t.kind),
                     pages_text(t), t.entries, ways, t.from);
}

std::string describe(const CacheInfo& c) {
  const std::string size = c.size_bytes >= (uint64_t{1} << 20) && c.size_bytes % (1 << 20) == 0
                               ? fmt::format("{} MiB", c.size_bytes >> 20)
                               : fmt::format("{} KiB", c.size_bytes >> 10);
  return fmt::format("L{} {} {}, {}-way, {} sets, {} B lines, shared by {}", c.level,
                     cache_kind_name(c.kind), size, c.ways, c.sets, c.line_bytes, c.shared_by);
}

}  // namespace memvirt
