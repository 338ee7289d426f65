#include "workload/trace/mvt_reader.hpp"

#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "text/message_quote.hpp"
#include "workload/trace/trace_error.hpp"

namespace memvirt {

using namespace mvt;

namespace {

std::string hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : bytes) {
    if (!s.empty()) s += ' ';
    s += kDigits[b >> 4];
    s += kDigits[b & 15];
  }
  return s;
}

bool starts_with(const uint8_t* bytes, std::span<const uint8_t> tag) {
  return std::memcmp(bytes, tag.data(), tag.size()) == 0;
}

const size_t kMaxPacked = ZSTD_compressBound(kMaxRawBlockBytes);

}  // namespace

MvtReader::MvtReader(std::unique_ptr<ByteSource> source)
    : src_(std::move(source)), dctx_(ZSTD_createDCtx()) {
  if (dctx_ == nullptr) throw std::bad_alloc();
  read_header();
}

void MvtReader::FreeDctx::operator()(ZSTD_DCtx_s* d) const { ZSTD_freeDCtx(d); }

void MvtReader::fail(uint64_t offset, const std::string& message) const {
  throw TraceError(src_->name(), offset, message);
}

// Reads `size` bytes that must be there; `expected` names them for the error.
size_t MvtReader::read_exact(uint8_t* out, size_t size, uint64_t at, const char* expected) {
  const size_t got = src_->read({out, size});
  offset_ += got;
  if (got != size) {
    fail(at + got, "truncated file: expected " + std::string(expected) + " (" +
                       std::to_string(size) + " bytes), found " + std::to_string(got));
  }
  return got;
}

void MvtReader::read_header() {
  uint8_t h[13];
  const size_t got = src_->read({h, sizeof h});
  offset_ = got;
  if (got < kMagic.size() || !starts_with(h, kMagic))
    fail(0, "bad magic: expected an .mvt header (" + hex(kMagic) + "), found " +
                hex({h, std::min(got, kMagic.size())}));
  if (got < sizeof h)
    fail(got, "truncated header: expected 13 bytes, found " + std::to_string(got));
  if (load_le<uint16_t>(h + 8) != kVersion)
    fail(8, "unsupported version " + std::to_string(load_le<uint16_t>(h + 8)) +
                " (this reader knows version " + std::to_string(kVersion) + ")");
  if ((load_le<uint16_t>(h + 10) & ~kFlagPids) != 0) fail(10, "unknown header flags");
  has_pids_ = (load_le<uint16_t>(h + 10) & kFlagPids) != 0;
  kinds_.count = h[12];
  if (kinds_.count == 0 || kinds_.count > kMaxKinds)
    fail(12, "record kind count " + std::to_string(kinds_.count) + " (expected 1 to 4)");
  for (unsigned code = 0; code < kinds_.count; ++code) {
    const uint64_t at = offset_;
    uint8_t name[256];
    read_exact(name, 1, at, "a record kind name length");
    read_exact(name + 1, name[0], at + 1, "a record kind name");
    const std::string_view text(reinterpret_cast<const char*>(name + 1), name[0]);
    const auto known = std::find(kKindNames.begin(), kKindNames.end(), text);
    if (known == kKindNames.end())
      fail(at, "unknown record kind " + message_quote(text) + " (known: read, write, execute)");
    kinds_.kinds[code] = static_cast<TraceKind>(known - kKindNames.begin());
  }
}

size_t MvtReader::read(std::span<TraceRecord> out) {
  size_t count = 0;
  while (count < out.size()) {
    const std::span<const TraceRecord> block = next_block();
    if (block.empty()) break;
    const size_t n = std::min(block.size(), out.size() - count);
    std::copy_n(block.begin(), n, out.begin() + static_cast<ptrdiff_t>(count));
    pos_ -= block.size() - n;  // give back what did not fit
    count += n;
  }
  return count;
}

std::span<const TraceRecord> MvtReader::next_block() {
  if (pos_ == block_.size() && !read_block()) return {};
  const std::span<const TraceRecord> rest(block_.data() + pos_, block_.size() - pos_);
  pos_ = block_.size();
  return rest;
}

// Reads the next block, or the index at the end; false at the end.
bool MvtReader::read_block() {
  if (ended_) return false;
  const uint64_t at = offset_;
  uint8_t h[kBlockHeaderBytes];
  read_exact(h, 4, at, "a block or the block index");
  if (starts_with(h, kIndexTag)) {
    check_index();
    return false;
  }
  if (!starts_with(h, kBlockTag))
    fail(at, "expected a block (MVB1) or the block index (MVI1), found " + hex({h, 4}));
  read_exact(h + 4, kBlockHeaderBytes - 4, at + 4, "the rest of the block header");
  const uint32_t count = load_le<uint32_t>(h + 4);
  const uint32_t raw_bytes = load_le<uint32_t>(h + 8);
  const uint32_t packed = load_le<uint32_t>(h + 12);
  if (count == 0 || count > kBlockRecords)
    fail(at + 4, "block record count " + std::to_string(count) + " (expected 1 to 65536)");
  if (raw_bytes < 2 * uint64_t{count} || raw_bytes > count * kMaxRecordBytes)
    fail(at + 8, "block size " + std::to_string(raw_bytes) + " does not fit " +
                     std::to_string(count) + " records");
  if (packed == 0 || packed > kMaxPacked)
    fail(at + 12, "compressed block size " + std::to_string(packed) + " is out of range");
  decode(at, count, raw_bytes, packed);
  return true;
}

void MvtReader::decode(uint64_t at, uint32_t count, uint32_t raw_bytes, uint32_t packed) {
  compressed_.resize(packed);
  read_exact(compressed_.data(), packed, at + kBlockHeaderBytes, "the compressed block");
  raw_.resize(raw_bytes + kRawPadding);
  const size_t got =
      ZSTD_decompressDCtx(dctx_.get(), raw_.data(), raw_bytes, compressed_.data(), packed);
  if (ZSTD_isError(got))
    fail(at + kBlockHeaderBytes, std::string("corrupt block: zstd: ") + ZSTD_getErrorName(got));
  if (got != raw_bytes)
    fail(at + kBlockHeaderBytes, "corrupt block: expected " + std::to_string(raw_bytes) +
                                     " bytes once decompressed, found " + std::to_string(got));
  std::fill_n(raw_.begin() + raw_bytes, kRawPadding, uint8_t{0});
  block_.resize(count);
  try {
    decode_block(raw_.data(), raw_bytes, count, kinds_, block_.data());
  } catch (const DecodeFailure& e) {
    fail(at, "corrupt block " + std::to_string(blocks_seen_) + ": byte " +
                 std::to_string(e.position) + " of its decompressed records: " + e.message);
  }
  pos_ = 0;
  blocks_hash_ = hash_entry(blocks_hash_, at, records_seen_);
  ++blocks_seen_;
  records_seen_ += count;
}

}  // namespace memvirt
