#pragma once
// Reads ChampSim's binary instruction traces: 64-byte `input_instr` records,
//   u64 ip; u8 is_branch, branch_taken; u8 destination_registers[2], source_registers[4];
//   u64 destination_memory[2], source_memory[4];
// little-endian, plain or xz-compressed (the caller wraps xz in an XzSource). Each instruction
// becomes an execute record at ip, a read for each non-zero source_memory and a write for each
// non-zero destination_memory, in that order. ChampSim records no sizes: every record has size
// 0. The CloudSuite variant is 96 bytes, ChampSim's `cloudsuite_instr` as a compiler lays it out:
//   u64 ip; u8 is_branch, branch_taken; u8 destination_registers[4], source_registers[4];
//   6 bytes of padding; u64 destination_memory[4], source_memory[4]; u8 asid[2]; 6 of padding
// where asid[0] is the address space of the fetch and asid[1] that of the loads and stores
// (ChampSim's ITLB and DTLB tags); they become the records' pids, 255 (none) as pid 0. Plain
// ChampSim records have pid 0.
#include <array>
#include <memory>
#include <vector>

#include "workload/trace/byte_source.hpp"
#include "workload/trace/trace_reader.hpp"

namespace memvirt {

// Where the fields of one record variant are.
struct ChampSimLayout {
  size_t record_bytes;
  size_t destinations;  // offset of destination_memory
  unsigned destination_count;
  size_t sources;  // offset of source_memory
  size_t asid;     // offset of asid[2], 0 if the variant has none
};
inline constexpr ChampSimLayout kChampSimLayout{64, 16, 2, 32, 0};
inline constexpr ChampSimLayout kCloudSuiteLayout{96, 24, 4, 56, 88};

class ChampSimReader final : public TraceReader {
 public:
  static constexpr size_t kRecordBytes = 64;

  explicit ChampSimReader(std::unique_ptr<ByteSource> source,
                          const ChampSimLayout& layout = kChampSimLayout);
  size_t read(std::span<TraceRecord> out) override;

 private:
  bool refill();
  void expand(const uint8_t* instr, uint64_t offset);

  std::unique_ptr<ByteSource> src_;
  std::vector<uint8_t> chunk_;          // whole instructions read at once
  uint64_t offset_ = 0;                 // input offset of the next instruction
  ChampSimLayout layout_;
  std::array<TraceRecord, 9> records_;  // the current instruction's, at most 1 + 4 + 4
  unsigned count_ = 0;
  unsigned pos_ = 0;
  size_t chunk_pos_ = 0;
  size_t chunk_end_ = 0;
};

}  // namespace memvirt
