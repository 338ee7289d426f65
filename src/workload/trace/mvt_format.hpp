#pragma once
// The layout of memvirt's trace format (.mvt), shared by its writer and reader; the prose
// description with every field is docs/trace-format.md.
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace memvirt::mvt {

static_assert(std::endian::native == std::endian::little, "headers are copied as they are");

inline constexpr std::array<uint8_t, 8> kMagic{0x89, 'M', 'V', 'T', '\r', '\n', 0x1a, '\n'};
inline constexpr uint16_t kVersion = 1;         // records only
inline constexpr uint16_t kVersionEvents = 2;   // records and address-space events
inline constexpr uint16_t kFlagPids = 1;  // the writer was given records with process ids
// Record kind names in the header; a record's 2-bit kind code indexes this table.
inline constexpr std::array<std::string_view, 3> kKindNames{"read", "write", "execute"};
inline constexpr unsigned kMaxKinds = 4;

inline constexpr std::array<uint8_t, 4> kBlockTag{'M', 'V', 'B', '1'};
// Version 2: a block with events (blocks without events keep the version 1 layout and tag).
inline constexpr std::array<uint8_t, 4> kEventBlockTag{'M', 'V', 'B', '2'};
inline constexpr std::array<uint8_t, 4> kIndexTag{'M', 'V', 'I', '1'};
inline constexpr std::array<uint8_t, 8> kTrailerMagic{'M', 'V', 'T', '-', 'E', 'N', 'D', '\n'};
inline constexpr size_t kBlockHeaderBytes = 16;  // tag, records, raw bytes, compressed bytes
inline constexpr size_t kEventBlockHeaderBytes = 24;  // ... then events, bytes of the events
inline constexpr size_t kTrailerBytes = 16;      // index offset, trailer magic
inline constexpr size_t kIndexEntryBytes = 16;   // block offset, first record

inline constexpr uint32_t kBlockRecords = 65536;

// A decompressed block holds three parts, so that zstd sees regular columns and the decoder
// loads fixed-width fields without per-byte branches:
//   ops[count]    bits 0-1 kind code, bits 2-5 byte length L (0-8) of the address delta,
//                 bit 6 a pid follows, bit 7 zero
//   sizes[count]  the record's size, or kSizeEscape when a u16 size follows
//   stream        per record, in order: the zigzag address delta in L little-endian bytes,
//                 then the u16 size if escaped, then the u32 pid if bit 6 is set
inline constexpr uint8_t kOpLengthShift = 2;
inline constexpr uint8_t kOpPid = 0x40;
inline constexpr uint8_t kOpReserved = 0x80;
inline constexpr uint8_t kSizeEscape = 0xff;
inline constexpr size_t kMaxRecordBytes = 2 + 8 + 2 + 4;
inline constexpr size_t kMaxRawBlockBytes = kBlockRecords * kMaxRecordBytes;
// An MVB2 block's decompressed bytes start with its events (mvt_events.hpp), then hold the
// three parts of its records as above.
inline constexpr uint32_t kBlockEvents = 65536;
inline constexpr size_t kMaxEventBytes = 4 + 1 + 1 + 4 + 4 + 4 * 8 + 2 * 4;
inline constexpr size_t kMaxRawEventBlockBytes = kMaxRawBlockBytes + kBlockEvents * kMaxEventBytes;
// The decoder loads 8 bytes for every delta and checks the bounds once per record, so the
// raw buffer carries zero padding that one record's reads cannot run past.
inline constexpr size_t kRawPadding = 32;

constexpr uint64_t zigzag(uint64_t delta) { return (delta << 1) ^ (0 - (delta >> 63)); }
constexpr uint64_t unzigzag(uint64_t v) { return (v >> 1) ^ (0 - (v & 1)); }

// Bytes needed for `v`, 0 for 0.
constexpr unsigned byte_length(uint64_t v) {
  return v == 0 ? 0 : (64 - std::countl_zero(v) + 7) / 8;
}

// Folds one block index entry into a running hash (splitmix64-style mixing).
constexpr uint64_t hash_entry(uint64_t hash, uint64_t offset, uint64_t first_record) {
  uint64_t x = hash ^ (offset * 0x9e3779b97f4a7c15) ^ (first_record + 0x632be59bd9b4e019);
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9;
  x = (x ^ (x >> 27)) * 0x94d049bb133111eb;
  return x ^ (x >> 31);
}

// Little-endian fixed-width fields of the headers.
template <typename T>
T load_le(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <typename T>
void store_le(uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof v);
}

}  // namespace memvirt::mvt
