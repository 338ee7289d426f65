#include "workload/trace/mvt_decode.hpp"

namespace memvirt::mvt {
namespace {

[[noreturn]] void fail(const uint8_t* raw, const uint8_t* p, std::string message) {
  throw DecodeFailure{static_cast<size_t>(p - raw), std::move(message)};
}

// What one op byte means, worked out once per block for all 256 values so that the loop does
// a table load instead of shifts, masks and checks.
struct Op {
  uint64_t mask;   // of the delta's bytes in an 8-byte load
  uint8_t length;  // bytes of the delta
  TraceKind kind;
  bool pid;
  bool valid;
};

std::array<Op, 256> op_table(const KindTable& kinds) {
  std::array<Op, 256> table{};
  for (unsigned op = 0; op < 256; ++op) {
    const unsigned length = (op >> kOpLengthShift) & 15;
    const unsigned code = op & 3;
    Op& o = table[op];
    o.valid = (op & kOpReserved) == 0 && length <= 8 && code < kinds.count;
    if (!o.valid) continue;
    o.length = static_cast<uint8_t>(length);
    o.mask = length == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * length)) - 1;
    o.kind = kinds.kinds[code];
    o.pid = (op & kOpPid) != 0;
  }
  return table;
}

void fail_op(const uint8_t* raw, const uint8_t* op, const KindTable& kinds) {
  if ((*op & 3u) >= kinds.count)
    fail(raw, op, "unknown record kind code " + std::to_string(*op & 3u));
  fail(raw, op, "bad op byte " + std::to_string(*op) + " (reserved bit or delta length above 8)");
}

}  // namespace

void decode_block(const uint8_t* raw, size_t raw_bytes, uint32_t count, const KindTable& kinds,
                  TraceRecord* out) {
  if (raw_bytes < 2 * size_t{count}) fail(raw, raw, "block too short for its op and size columns");
  const std::array<Op, 256> table = op_table(kinds);
  const uint8_t* const ops = raw;
  const uint8_t* const sizes = raw + count;
  const uint8_t* p = raw + 2 * size_t{count};
  const uint8_t* const end = raw + raw_bytes;
  uint64_t prev[2] = {0, 0};
  uint32_t pid = 0;
  for (uint32_t i = 0; i < count; ++i) {
    // The previous record started inside the block, so it ended inside the padding at worst:
    // one check per record keeps the loop free of per-field bounds checks.
    if (p > end) [[unlikely]]
      fail(raw, end, "truncated block: record " + std::to_string(i - 1) + " runs past its end");
    const Op& o = table[ops[i]];
    if (!o.valid) [[unlikely]]
      fail_op(raw, ops + i, kinds);
    uint64_t& base = prev[o.kind == TraceKind::kExecute];
    base += unzigzag(load_le<uint64_t>(p) & o.mask);
    p += o.length;
    uint16_t size = sizes[i];
    if (size == kSizeEscape) [[unlikely]] {
      size = load_le<uint16_t>(p);
      p += 2;
    }
    if (o.pid) [[unlikely]] {
      pid = load_le<uint32_t>(p);
      p += 4;
    }
    out[i] = TraceRecord{base, pid, size, o.kind};
  }
  if (p > end) fail(raw, end, "truncated block: the last record runs past its end");
  if (p < end)
    fail(raw, p,
         "expected the end of the block after " + std::to_string(count) + " records, found " +
             std::to_string(end - p) + " more bytes");
}

}  // namespace memvirt::mvt
