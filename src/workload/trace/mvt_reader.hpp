#pragma once
// Reads memvirt's trace format (.mvt) block by block: memory is one block (at most 65536
// records) whatever the length of the trace. The block index at the end of the file lets
// seek_record() jump to any record without decoding the blocks before it. Reads versions 1 and
// 2; the events of a version 2 file come out between records through take_event().
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "workload/trace/byte_source.hpp"
#include "workload/trace/mvt_decode.hpp"
#include "workload/trace/mvt_events.hpp"
#include "workload/trace/mvt_writer.hpp"
#include "workload/trace/trace_reader.hpp"

struct ZSTD_DCtx_s;

namespace memvirt {

class MvtReader final : public TraceReader {
 public:
  // Reads and checks the header; throws TraceError.
  explicit MvtReader(std::unique_ptr<ByteSource> source);

  size_t read(std::span<TraceRecord> out) override;
  std::optional<SpaceEvent> take_event() override;
  // The rest of the current block, or the next block, decoded, up to the next event; empty at
  // the end of the trace or before an event. Valid until the next call. Throws TraceError.
  std::span<const TraceRecord> next_block();
  // Makes record `n` (from 0) the next one read, or the end if the trace is shorter. The
  // events of its block that come before record n are passed over, those between records n-1
  // and n are delivered. Needs an input that can seek (not a pipe); reads the block index
  // first. Throws TraceError.
  void seek_record(uint64_t n);
  // The number of records, from the block index (seekable inputs only).
  uint64_t total_records();

  bool has_pids() const { return has_pids_; }
  unsigned version() const { return version_; }

 private:
  void read_header();
  size_t read_exact(uint8_t* out, size_t size, uint64_t at, const char* expected);
  bool read_block();
  void decompress(uint64_t block_offset, size_t header_bytes, uint32_t raw_bytes, uint32_t packed);
  void decode(uint64_t block_offset, uint32_t count, uint32_t events, uint32_t event_bytes,
              uint32_t raw_bytes);
  void read_event_header(uint64_t at, uint8_t* h, uint32_t count, uint32_t raw_bytes);
  // Records of block_ that may be read before the next event.
  size_t readable_end() const {
    return event_pos_ < events_.size() ? events_[event_pos_].position : block_.size();
  }
  void check_index();
  void load_index();
  [[noreturn]] void fail(uint64_t offset, const std::string& message) const;

  std::unique_ptr<ByteSource> src_;
  struct FreeDctx {
    void operator()(ZSTD_DCtx_s* d) const;
  };
  std::unique_ptr<ZSTD_DCtx_s, FreeDctx> dctx_;  // freed even if the constructor throws
  uint64_t offset_ = 0;                          // of the next byte src_ gives
  mvt::KindTable kinds_;
  bool has_pids_ = false;
  unsigned version_ = 1;
  std::vector<uint8_t> compressed_;
  std::vector<uint8_t> raw_;
  std::vector<TraceRecord> block_;
  size_t pos_ = 0;             // next record of block_
  std::vector<mvt::BlockEvent> events_;  // of the current block, in order
  size_t event_pos_ = 0;                 // next of events_
  uint64_t blocks_seen_ = 0;   // blocks before the current position
  uint64_t records_seen_ = 0;  // records in them
  bool ended_ = false;
  // A hash of (offset, first record) of every block read since the start, compared with the
  // index at the end, so that the index is checked without keeping a list of the blocks.
  uint64_t blocks_hash_ = 0;
  bool from_start_ = true;            // false once seek_record() has moved
  std::vector<MvtBlockEntry> index_;  // loaded by seek_record() only
  uint64_t total_ = 0;
};

}  // namespace memvirt
