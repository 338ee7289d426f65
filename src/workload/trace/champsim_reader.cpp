#include "workload/trace/champsim_reader.hpp"

#include <fmt/format.h>

#include <cstring>
#include <string>

#include "workload/trace/trace_error.hpp"

namespace memvirt {
namespace {

constexpr size_t kChunkInstructions = 1024;  // 64 KiB (96 KiB for CloudSuite)
constexpr uint8_t kNoAsid = 255;

uint64_t load_u64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// x86-64 addresses are sign extensions of their low 48 bits (57 with 5-level paging); anything
// else cannot come from a real program and means the bytes are not a ChampSim trace.
bool canonical(uint64_t addr) {
  const uint64_t top = addr >> 56;
  return top == 0 || top == 0xff;
}

}  // namespace

ChampSimReader::ChampSimReader(std::unique_ptr<ByteSource> source, const ChampSimLayout& layout)
    : src_(std::move(source)), chunk_(kChunkInstructions * layout.record_bytes), layout_(layout) {}

bool ChampSimReader::refill() {
  offset_ += chunk_end_;
  chunk_end_ = src_->read(chunk_);
  chunk_pos_ = 0;
  const size_t bytes = layout_.record_bytes;
  if (chunk_end_ % bytes != 0) {
    const uint64_t at = offset_ + chunk_end_ / bytes * bytes;
    throw TraceError(src_->name(), at,
                     "truncated record: expected " + std::to_string(bytes) + " bytes, found " +
                         std::to_string(chunk_end_ % bytes));
  }
  return chunk_end_ != 0;
}

void ChampSimReader::expand(const uint8_t* instr, uint64_t offset) {
  if (instr[8] > 1 || instr[9] > 1)
    throw TraceError(src_->name(), offset + (instr[8] > 1 ? 8 : 9),
                     "expected is_branch and branch_taken to be 0 or 1");
  count_ = 0;
  pos_ = 0;
  auto pid_of = [&](size_t which) -> uint32_t {
    if (layout_.asid == 0) return 0;
    const uint8_t asid = instr[layout_.asid + which];
    return asid == kNoAsid ? 0 : asid;
  };
  const uint32_t code_pid = pid_of(0);
  const uint32_t data_pid = pid_of(1);
  auto add = [&](size_t field, TraceKind kind) {
    const uint64_t addr = load_u64(instr + field);
    if (field != 0 && addr == 0) return;  // an unused memory operand
    if (!canonical(addr))
      throw TraceError(
          src_->name(), offset + field,
          fmt::format("address overflow: {:#x} is not a canonical x86-64 address", addr));
    records_[count_++] =
        TraceRecord{addr, kind == TraceKind::kExecute ? code_pid : data_pid, 0, kind};
  };
  add(0, TraceKind::kExecute);
  for (size_t i = 0; i < 4; ++i) add(layout_.sources + 8 * i, TraceKind::kRead);
  for (size_t i = 0; i < layout_.destination_count; ++i)
    add(layout_.destinations + 8 * i, TraceKind::kWrite);
}

size_t ChampSimReader::read(std::span<TraceRecord> out) {
  size_t count = 0;
  while (count < out.size()) {
    if (pos_ == count_) {
      if (chunk_pos_ == chunk_end_ && !refill()) break;
      expand(chunk_.data() + chunk_pos_, offset_ + chunk_pos_);
      chunk_pos_ += layout_.record_bytes;
    }
    while (pos_ < count_ && count < out.size()) out[count++] = records_[pos_++];
  }
  return count;
}

}  // namespace memvirt
