#pragma once
// Reads ChampSim's binary instruction traces: 64-byte `input_instr` records,
//   u64 ip; u8 is_branch, branch_taken; u8 destination_registers[2], source_registers[4];
//   u64 destination_memory[2], source_memory[4];
// little-endian, plain or xz-compressed (the caller wraps xz in an XzSource). Each instruction
// becomes an execute record at ip, a read for each non-zero source_memory and a write for each
// non-zero destination_memory, in that order. ChampSim records no sizes and no process ids:
// every record has size 0 and pid 0.
#include <array>
#include <memory>
#include <vector>

#include "workload/trace/byte_source.hpp"
#include "workload/trace/trace_reader.hpp"

namespace memvirt {

class ChampSimReader final : public TraceReader {
 public:
  static constexpr size_t kRecordBytes = 64;

  explicit ChampSimReader(std::unique_ptr<ByteSource> source);
  size_t read(std::span<TraceRecord> out) override;

 private:
  bool refill();
  void expand(const uint8_t* instr, uint64_t offset);

  std::unique_ptr<ByteSource> src_;
  std::vector<uint8_t> chunk_;          // whole instructions read at once
  uint64_t offset_ = 0;                 // input offset of the next instruction
  std::array<TraceRecord, 7> records_;  // the current instruction's, at most 1 + 4 + 2
  unsigned count_ = 0;
  unsigned pos_ = 0;
  size_t chunk_pos_ = 0;
  size_t chunk_end_ = 0;
};

}  // namespace memvirt
