// The .mvt block index: checked when a sequential read reaches it, loaded to seek.
#include <algorithm>
#include <string>

#include "workload/trace/mvt_reader.hpp"
#include "workload/trace/trace_error.hpp"

namespace memvirt {

using namespace mvt;

// Called with the index tag just read. The index is checked in fixed-size pieces, so that a
// sequential reader's memory does not grow with the number of blocks.
void MvtReader::check_index() {
  const uint64_t at = offset_ - 4;
  uint8_t buf[kIndexEntryBytes];
  read_exact(buf, 8, offset_, "the block count of the index");
  const uint64_t blocks = load_le<uint64_t>(buf);
  if (blocks != blocks_seen_)
    fail(at + 4, "the index lists " + std::to_string(blocks) + " blocks, the file has " +
                     std::to_string(blocks_seen_));
  uint64_t hash = 0;
  for (uint64_t i = 0; i < blocks; ++i) {
    read_exact(buf, kIndexEntryBytes, offset_, "a block index entry");
    hash = hash_entry(hash, load_le<uint64_t>(buf), load_le<uint64_t>(buf + 8));
  }
  if (from_start_ && hash != blocks_hash_)
    fail(at + 12, "the block index does not match the blocks (offsets or record numbers)");
  read_exact(buf, 8, offset_, "the record count of the index");
  if (load_le<uint64_t>(buf) != records_seen_)
    fail(offset_ - 8, "the index counts " + std::to_string(load_le<uint64_t>(buf)) +
                          " records, the blocks hold " + std::to_string(records_seen_));
  uint8_t trailer[kTrailerBytes];
  read_exact(trailer, kTrailerBytes, offset_, "the trailer");
  if (load_le<uint64_t>(trailer) != at)
    fail(offset_ - kTrailerBytes, "the trailer points to the index at byte " +
                                      std::to_string(load_le<uint64_t>(trailer)) +
                                      ", it is at byte " + std::to_string(at));
  if (!std::equal(kTrailerMagic.begin(), kTrailerMagic.end(), trailer + 8))
    fail(offset_ - 8, "bad trailer magic");
  if (src_->read({buf, 1}) != 0) fail(offset_, "unexpected bytes after the trailer");
  ended_ = true;
}

// Reads the trailer, then the index it points to, into index_.
void MvtReader::load_index() {
  if (!index_.empty()) return;
  const auto size = src_->size();
  if (!size) fail(offset_, "cannot seek in this input: the block index needs a regular file");
  if (*size < kTrailerBytes + 20) fail(0, "truncated file: no block index and trailer");
  uint8_t buf[kTrailerBytes];
  src_->seek(*size - kTrailerBytes);
  offset_ = *size - kTrailerBytes;
  read_exact(buf, kTrailerBytes, offset_, "the trailer");
  if (!std::equal(kTrailerMagic.begin(), kTrailerMagic.end(), buf + 8))
    fail(*size - 8, "bad trailer magic (the file is truncated or not finished)");
  const uint64_t at = load_le<uint64_t>(buf);
  if (at > *size - kTrailerBytes - 20) fail(*size - kTrailerBytes, "index offset out of range");
  src_->seek(at);
  offset_ = at;
  read_exact(buf, 12, at, "the index header");
  const uint64_t blocks = load_le<uint64_t>(buf + 4);
  if (!std::equal(kIndexTag.begin(), kIndexTag.end(), buf) || blocks > *size / kIndexEntryBytes ||
      blocks * kIndexEntryBytes != *size - kTrailerBytes - 20 - at)
    fail(at, "bad block index (expected MVI1 and a block count that fits the file)");
  index_.resize(blocks);
  // Blocks hold at least one record each, in order; in version 2 a block of events alone
  // holds none.
  const uint64_t min_records = version_ == kVersion ? 1 : 0;
  uint64_t next_first = 0;
  for (MvtBlockEntry& e : index_) {
    read_exact(buf, kIndexEntryBytes, offset_, "a block index entry");
    e = {load_le<uint64_t>(buf), load_le<uint64_t>(buf + 8)};
    if (e.first_record < next_first || (&e == &index_.front() && e.first_record != 0))
      fail(offset_ - 8, "block index entries out of order");
    next_first = e.first_record + min_records;
  }
  read_exact(buf, 8, offset_, "the record count of the index");
  total_ = load_le<uint64_t>(buf);
  if (total_ < next_first) fail(offset_ - 8, "the index counts fewer records than its blocks");
}

uint64_t MvtReader::total_records() {
  const uint64_t resume = offset_;
  load_index();
  src_->seek(resume);
  offset_ = resume;
  return total_;
}

void MvtReader::seek_record(uint64_t n) {
  load_index();
  const auto next =
      std::upper_bound(index_.begin(), index_.end(), n,
                       [](uint64_t v, const MvtBlockEntry& e) { return v < e.first_record; });
  if (next == index_.begin() || n >= total_) {
    ended_ = true;
    block_.clear();
    events_.clear();
    pos_ = event_pos_ = 0;
    return;
  }
  const MvtBlockEntry& e = *std::prev(next);
  const uint64_t block_end = next == index_.end() ? total_ : next->first_record;
  from_start_ = false;
  src_->seek(e.offset);
  offset_ = e.offset;
  ended_ = false;
  blocks_seen_ = static_cast<uint64_t>(std::prev(next) - index_.begin());
  records_seen_ = e.first_record;
  block_.clear();
  events_.clear();
  pos_ = event_pos_ = 0;
  if (!read_block() || e.first_record + block_.size() != block_end)
    fail(e.offset, "the block index does not match the block at this offset");
  pos_ = n - e.first_record;
  while (event_pos_ < events_.size() && events_[event_pos_].position < pos_) ++event_pos_;
}

}  // namespace memvirt
