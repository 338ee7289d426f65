#include "workload/trace/mvt_writer.hpp"

#include <zstd.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "workload/trace/mvt_events.hpp"
#include "workload/trace/mvt_format.hpp"

namespace memvirt {

using namespace mvt;

MvtWriter::MvtWriter(std::ostream& out, bool pids, int zstd_level)
    : MvtWriter(out, MvtWriterOptions{pids, false, zstd_level}) {}

MvtWriter::MvtWriter(std::ostream& out, const MvtWriterOptions& options)
    : out_(out),
      cctx_(ZSTD_createCCtx()),
      ops_(kBlockRecords),
      sizes_(kBlockRecords),
      stream_(kBlockRecords * (kMaxRecordBytes - 2) + 8),
      end_(stream_.data()),
      events_enabled_(options.events),
      raw_(options.events ? kMaxRawEventBlockBytes : kMaxRawBlockBytes),
      compressed_(ZSTD_compressBound(raw_.size())),
      block_records_(kBlockRecords) {
  if (cctx_ == nullptr) throw std::bad_alloc();
  const bool pids = options.pids;
  ZSTD_CCtx_setParameter(cctx_.get(), ZSTD_c_compressionLevel, options.zstd_level);
  // A damaged block is then caught by zstd itself, before its records are decoded.
  ZSTD_CCtx_setParameter(cctx_.get(), ZSTD_c_checksumFlag, 1);
  std::vector<uint8_t> header(kMagic.begin(), kMagic.end());
  header.resize(13);
  store_le<uint16_t>(&header[8], options.events ? kVersionEvents : kVersion);
  store_le<uint16_t>(&header[10], pids ? kFlagPids : 0);
  header[12] = static_cast<uint8_t>(kKindNames.size());
  for (std::string_view name : kKindNames) {
    header.push_back(static_cast<uint8_t>(name.size()));
    header.insert(header.end(), name.begin(), name.end());
  }
  put(header.data(), header.size());
}

void MvtWriter::FreeCctx::operator()(ZSTD_CCtx_s* c) const { ZSTD_freeCCtx(c); }

void MvtWriter::set_block_records(uint32_t n) {
  if (n == 0 || n > kBlockRecords || records() != 0)
    throw std::invalid_argument("mvt: block size must be set before writing, in [1, 65536]");
  block_records_ = n;
}

void MvtWriter::encode(const TraceRecord& r) {
  // Instruction fetches and data references each continue from their own last address, so
  // both deltas stay small in a program that alternates between code and data.
  uint64_t& prev = prev_[r.kind == TraceKind::kExecute];
  const uint64_t delta = zigzag(r.addr - prev);
  prev = r.addr;
  const unsigned length = byte_length(delta);
  const bool new_pid = r.pid != pid_;
  ops_[count_] = static_cast<uint8_t>(static_cast<unsigned>(r.kind) | length << kOpLengthShift |
                                      (new_pid ? kOpPid : 0));
  store_le<uint64_t>(end_, delta);  // stream_ has room for a whole word past the last record
  end_ += length;
  sizes_[count_] = r.size < kSizeEscape ? static_cast<uint8_t>(r.size) : kSizeEscape;
  if (r.size >= kSizeEscape) {
    store_le<uint16_t>(end_, r.size);
    end_ += 2;
  }
  if (new_pid) {
    store_le<uint32_t>(end_, r.pid);
    end_ += 4;
  }
  pid_ = r.pid;
  ++count_;
}

void MvtWriter::write_event(const SpaceEvent& e) {
  if (!events_enabled_)
    throw std::logic_error("mvt: a version 1 writer was given an event (make it with events)");
  if (event_count_ == kBlockEvents) flush_block();
  encode_event(e, count_, events_);
  ++event_count_;
  ++events_written_;
}

// The block's decompressed bytes into raw: its events, if any, then ops, sizes and stream.
size_t MvtWriter::join_block(uint8_t* raw) const {
  const size_t stream_bytes = static_cast<size_t>(end_ - stream_.data());
  uint8_t* p = std::copy(events_.begin(), events_.end(), raw);
  p = std::copy_n(ops_.begin(), count_, p);
  p = std::copy_n(sizes_.begin(), count_, p);
  p = std::copy_n(stream_.begin(), stream_bytes, p);
  return static_cast<size_t>(p - raw);
}

void MvtWriter::write_block_header(uint32_t raw_bytes, uint32_t packed) {
  uint8_t header[kEventBlockHeaderBytes];
  const bool events = event_count_ != 0;
  std::copy(kBlockTag.begin(), kBlockTag.end(), header);
  if (events) std::copy(kEventBlockTag.begin(), kEventBlockTag.end(), header);
  store_le<uint32_t>(header + 4, count_);
  store_le<uint32_t>(header + 8, raw_bytes);
  store_le<uint32_t>(header + 12, packed);
  store_le<uint32_t>(header + 16, event_count_);
  store_le<uint32_t>(header + 20, static_cast<uint32_t>(events_.size()));
  put(header, events ? kEventBlockHeaderBytes : kBlockHeaderBytes);
}

void MvtWriter::flush_block() {
  if (count_ == 0 && event_count_ == 0) return;
  const size_t raw_bytes = join_block(raw_.data());
  const size_t packed =
      ZSTD_compress2(cctx_.get(), compressed_.data(), compressed_.size(), raw_.data(), raw_bytes);
  if (ZSTD_isError(packed))
    throw std::runtime_error(std::string("mvt: zstd: ") + ZSTD_getErrorName(packed));
  index_.push_back({offset_, first_record_});
  write_block_header(static_cast<uint32_t>(raw_bytes), static_cast<uint32_t>(packed));
  put(compressed_.data(), packed);
  first_record_ += count_;
  count_ = 0;
  end_ = stream_.data();
  events_.clear();
  event_count_ = 0;
  prev_[0] = prev_[1] = 0;  // blocks decode on their own, so a reader can start at any of them
  pid_ = 0;
}

void MvtWriter::finish() {
  if (finished_) return;
  flush_block();
  const uint64_t index_offset = offset_;
  std::vector<uint8_t> index(4 + 8 + index_.size() * kIndexEntryBytes + 8 + kTrailerBytes);
  uint8_t* p = index.data();
  std::copy(kIndexTag.begin(), kIndexTag.end(), p);
  store_le<uint64_t>(p + 4, index_.size());
  p += 12;
  for (const MvtBlockEntry& e : index_) {
    store_le<uint64_t>(p, e.offset);
    store_le<uint64_t>(p + 8, e.first_record);
    p += kIndexEntryBytes;
  }
  store_le<uint64_t>(p, first_record_);
  store_le<uint64_t>(p + 8, index_offset);
  std::copy(kTrailerMagic.begin(), kTrailerMagic.end(), p + 16);
  put(index.data(), index.size());
  out_.flush();
  if (!out_) throw std::ios_base::failure("mvt: cannot write the trace");
  finished_ = true;
}

void MvtWriter::put(const uint8_t* data, size_t size) {
  out_.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out_) throw std::ios_base::failure("mvt: cannot write the trace");
  offset_ += size;
}

}  // namespace memvirt
