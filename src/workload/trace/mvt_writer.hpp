#pragma once
// Writes memvirt's trace format (.mvt): records are encoded as they come into one block's
// buffer, and each full block is compressed and written out, so memory stays at one block.
// A writer made with events = true writes version 2 and takes address-space events beside the
// records; otherwise it writes version 1, byte for byte as before version 2 existed.
#include <cstdint>
#include <memory>
#include <ostream>
#include <vector>

#include "workload/trace/space_event.hpp"
#include "workload/trace/trace_record.hpp"

struct ZSTD_CCtx_s;

namespace memvirt {

struct MvtBlockEntry {
  uint64_t offset = 0;        // of the block header, from the start of the file
  uint64_t first_record = 0;  // number of the block's first record, from 0
};

struct MvtWriterOptions {
  bool pids = false;    // the records carry process ids (recorded in the header)
  bool events = false;  // version 2: write_event() may be called
  int zstd_level = 3;
};

// Also a TraceSink, so that a recorder can deliver straight into a file.
class MvtWriter : public TraceSink {
 public:
  // `pids`: whether the records carry process ids (recorded in the header; pids are stored
  // either way). Writes the header at once; throws std::ios_base::failure if the stream fails.
  MvtWriter(std::ostream& out, bool pids, int zstd_level = 3);
  MvtWriter(std::ostream& out, const MvtWriterOptions& options);
  MvtWriter(const MvtWriter&) = delete;
  MvtWriter& operator=(const MvtWriter&) = delete;

  void write(const TraceRecord& r) {
    if (count_ == block_records_) flush_block();
    encode(r);
  }
  // An event after the records written so far. Throws std::logic_error on a version 1 writer,
  // std::invalid_argument for an event with a field its kind does not use.
  void write_event(const SpaceEvent& e);
  void record(const TraceRecord& r) override { write(r); }
  void event(const SpaceEvent& e) override { write_event(e); }
  // Writes the last block, the block index and the trailer. Without it the file is truncated.
  void finish();

  uint64_t records() const { return first_record_ + count_; }
  uint64_t events() const { return events_written_; }
  // For tests of block skipping: fewer records per block than the format's maximum.
  void set_block_records(uint32_t n);

 private:
  void encode(const TraceRecord& r);
  void flush_block();
  size_t join_block(uint8_t* raw) const;
  void write_block_header(uint32_t raw_bytes, uint32_t packed);
  void put(const uint8_t* data, size_t size);

  std::ostream& out_;
  struct FreeCctx {
    void operator()(ZSTD_CCtx_s* c) const;
  };
  std::unique_ptr<ZSTD_CCtx_s, FreeCctx> cctx_;
  uint64_t offset_ = 0;  // bytes written so far
  // The block's three parts (see mvt_format.hpp), joined in raw_ when it is written.
  std::vector<uint8_t> ops_;
  std::vector<uint8_t> sizes_;
  std::vector<uint8_t> stream_;
  uint8_t* end_;  // of the bytes in stream_
  // The block's events (mvt_events.hpp), written first in an MVB2 block.
  bool events_enabled_;
  std::vector<uint8_t> events_;
  uint32_t event_count_ = 0;
  uint64_t events_written_ = 0;
  std::vector<uint8_t> raw_;
  std::vector<uint8_t> compressed_;
  uint32_t count_ = 0;
  uint32_t block_records_;
  uint64_t first_record_ = 0;
  uint64_t prev_[2] = {0, 0};  // last data and instruction address of the block
  uint32_t pid_ = 0;
  std::vector<MvtBlockEntry> index_;
  bool finished_ = false;
};

}  // namespace memvirt
