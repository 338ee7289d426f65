#pragma once
// Writes memvirt's trace format (.mvt): records are encoded as they come into one block's
// buffer, and each full block is compressed and written out, so memory stays at one block.
#include <cstdint>
#include <memory>
#include <ostream>
#include <vector>

#include "workload/trace/trace_record.hpp"

struct ZSTD_CCtx_s;

namespace memvirt {

struct MvtBlockEntry {
  uint64_t offset = 0;        // of the block header, from the start of the file
  uint64_t first_record = 0;  // number of the block's first record, from 0
};

class MvtWriter {
 public:
  // `pids`: whether the records carry process ids (recorded in the header; pids are stored
  // either way). Writes the header at once; throws std::ios_base::failure if the stream fails.
  MvtWriter(std::ostream& out, bool pids, int zstd_level = 3);
  MvtWriter(const MvtWriter&) = delete;
  MvtWriter& operator=(const MvtWriter&) = delete;

  void write(const TraceRecord& r) {
    if (count_ == block_records_) flush_block();
    encode(r);
  }
  // Writes the last block, the block index and the trailer. Without it the file is truncated.
  void finish();

  uint64_t records() const { return first_record_ + count_; }
  // For tests of block skipping: fewer records per block than the format's maximum.
  void set_block_records(uint32_t n);

 private:
  void encode(const TraceRecord& r);
  void flush_block();
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
