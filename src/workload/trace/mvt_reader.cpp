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
const size_t kMaxPackedEvents = ZSTD_compressBound(kMaxRawEventBlockBytes);

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
  version_ = load_le<uint16_t>(h + 8);
  if (version_ != kVersion && version_ != kVersionEvents)
    fail(8, "unsupported version " + std::to_string(version_) + " (this reader knows versions " +
                std::to_string(kVersion) + " and " + std::to_string(kVersionEvents) + ")");
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
  if (pos_ == block_.size() && event_pos_ == events_.size() && !read_block()) return {};
  const size_t end = readable_end();
  const std::span<const TraceRecord> rest(block_.data() + pos_, end - pos_);
  pos_ = end;
  return rest;
}

std::optional<SpaceEvent> MvtReader::take_event() {
  if (event_pos_ == events_.size() || events_[event_pos_].position != pos_) return std::nullopt;
  return events_[event_pos_++].event;
}

// Reads the next block, or the index at the end; false at the end.
bool MvtReader::read_block() {
  if (ended_) return false;
  const uint64_t at = offset_;
  uint8_t h[kEventBlockHeaderBytes];
  read_exact(h, 4, at, "a block or the block index");
  if (starts_with(h, kIndexTag)) {
    check_index();
    return false;
  }
  const bool with_events = starts_with(h, kEventBlockTag);
  if (with_events && version_ == kVersion)
    fail(at, "an event block (MVB2) in a version 1 file");
  if (!starts_with(h, kBlockTag) && !with_events)
    fail(at, "expected a block (MVB1) or an event block (MVB2) or the block index (MVI1), "
             "found " + hex({h, 4}));
  const size_t header_bytes = with_events ? kEventBlockHeaderBytes : kBlockHeaderBytes;
  read_exact(h + 4, header_bytes - 4, at + 4, "the rest of the block header");
  const uint32_t count = load_le<uint32_t>(h + 4);
  const uint32_t raw_bytes = load_le<uint32_t>(h + 8);
  const uint32_t packed = load_le<uint32_t>(h + 12);
  if ((count == 0 && !with_events) || count > kBlockRecords)
    fail(at + 4, "block record count " + std::to_string(count) + " (expected " +
                     (with_events ? "0" : "1") + " to 65536)");
  if (with_events) {
    read_event_header(at, h, count, raw_bytes);
  } else if (raw_bytes < 2 * uint64_t{count} || raw_bytes > count * kMaxRecordBytes) {
    fail(at + 8, "block size " + std::to_string(raw_bytes) + " does not fit " +
                     std::to_string(count) + " records");
  }
  if (packed == 0 || packed > (with_events ? kMaxPackedEvents : kMaxPacked))
    fail(at + 12, "compressed block size " + std::to_string(packed) + " is out of range");
  decompress(at, header_bytes, raw_bytes, packed);
  const uint32_t events = with_events ? load_le<uint32_t>(h + 16) : 0;
  decode(at, count, events, with_events ? load_le<uint32_t>(h + 20) : 0, raw_bytes);
  return true;
}

// The two fields an MVB2 header adds: how many events, and the bytes they take.
void MvtReader::read_event_header(uint64_t at, uint8_t* h, uint32_t count, uint32_t raw_bytes) {
  const uint32_t events = load_le<uint32_t>(h + 16);
  const uint64_t event_bytes = load_le<uint32_t>(h + 20);
  if (events == 0 || events > kBlockEvents)
    fail(at + 16, "block event count " + std::to_string(events) + " (expected 1 to 65536)");
  if (event_bytes > events * kMaxEventBytes)
    fail(at + 20, "event bytes " + std::to_string(event_bytes) + " do not fit " +
                      std::to_string(events) + " events");
  const uint64_t records_bytes = raw_bytes < event_bytes ? 0 : raw_bytes - event_bytes;
  if (raw_bytes < event_bytes || records_bytes < 2 * uint64_t{count} ||
      records_bytes > count * kMaxRecordBytes)
    fail(at + 8, "block size " + std::to_string(raw_bytes) + " does not fit " +
                     std::to_string(count) + " records after " + std::to_string(event_bytes) +
                     " bytes of events");
}

void MvtReader::decompress(uint64_t at, size_t header_bytes, uint32_t raw_bytes,
                           uint32_t packed) {
  compressed_.resize(packed);
  read_exact(compressed_.data(), packed, at + header_bytes, "the compressed block");
  raw_.resize(raw_bytes + kRawPadding);
  const size_t got =
      ZSTD_decompressDCtx(dctx_.get(), raw_.data(), raw_bytes, compressed_.data(), packed);
  if (ZSTD_isError(got))
    fail(at + header_bytes, std::string("corrupt block: zstd: ") + ZSTD_getErrorName(got));
  if (got != raw_bytes)
    fail(at + header_bytes, "corrupt block: expected " + std::to_string(raw_bytes) +
                                " bytes once decompressed, found " + std::to_string(got));
  std::fill_n(raw_.begin() + raw_bytes, kRawPadding, uint8_t{0});
}

// Events first (an MVB2 block), then the records, which the v1 loop decodes as they are.
void MvtReader::decode(uint64_t at, uint32_t count, uint32_t events, uint32_t event_bytes,
                       uint32_t raw_bytes) {
  block_.resize(count);
  size_t part = 0;  // offset of the part being decoded, for the error message
  try {
    decode_events(raw_.data(), event_bytes, events, count, events_);
    part = event_bytes;
    decode_block(raw_.data() + event_bytes, raw_bytes - event_bytes, count, kinds_,
                 block_.data());
  } catch (const DecodeFailure& e) {
    fail(at, "corrupt block " + std::to_string(blocks_seen_) + ": byte " +
                 std::to_string(part + e.position) + " of its decompressed " +
                 (part == 0 && events != 0 ? "events: " : "records: ") + e.message);
  }
  event_pos_ = 0;
  pos_ = 0;
  blocks_hash_ = hash_entry(blocks_hash_, at, records_seen_);
  ++blocks_seen_;
  records_seen_ += count;
}

}  // namespace memvirt
