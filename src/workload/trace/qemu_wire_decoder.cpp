#include "workload/trace/qemu_wire_decoder.hpp"

#include <cstring>
#include <string>

#include "workload/trace/qemu_wire.h"
#include "workload/trace/trace_error.hpp"

namespace memvirt {
namespace {

constexpr size_t kBufferBytes = 1 << 20;
// Records are decoded without a bounds check per byte: a record that runs past its frame's end
// is found after it is read, so the buffer keeps this much readable room beyond its data.
constexpr size_t kSlack = 2 * MVQ_RECORD_MAX;

uint32_t get_u32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

uint64_t get_u64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

// LEB128; nullptr when it goes on past 10 bytes.
inline const uint8_t* get_varint(const uint8_t* p, uint64_t& v) {
  v = *p & 0x7f;
  if (*p++ < 0x80) return p;
  for (unsigned shift = 7; shift < 70; shift += 7) {
    const uint8_t b = *p++;
    v |= uint64_t{b & 0x7fu} << shift;
    if (b < 0x80) return p;
  }
  return nullptr;
}

}  // namespace

QemuWireDecoder::QemuWireDecoder(std::unique_ptr<ByteSource> in, TraceSink& sink)
    : in_(std::move(in)), sink_(sink), events_(sink), buf_(kBufferBytes + kSlack) {}

void QemuWireDecoder::fail(const uint8_t* at, const std::string& what) const {
  throw TraceError(in_->name(), base_ + static_cast<uint64_t>(at - buf_.data()), what);
}

bool QemuWireDecoder::fill(size_t need) {
  while (end_ - pos_ < need) {
    if (eof_) return false;
    if (pos_ > 0) {  // keep the unread bytes, at the front
      std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
      base_ += pos_;
      end_ -= pos_;
      pos_ = 0;
    }
    const size_t n = in_->read(std::span<uint8_t>(buf_.data() + end_, kBufferBytes - end_));
    if (n == 0) eof_ = true;
    end_ += n;
  }
  return true;
}

void QemuWireDecoder::read_header() {
  if (!fill(MVQ_STREAM_HEADER)) {
    if (end_ == pos_) fail(buf_.data() + pos_, "no stream header: the QEMU plugin wrote nothing");
    fail(buf_.data() + end_, "stream header cut short");
  }
  const uint8_t* h = buf_.data() + pos_;
  if (std::memcmp(h, MVQ_MAGIC, MVQ_MAGIC_LEN) != 0)
    fail(h, "expected the QEMU plugin's stream header (MVQEMU)");
  if (h[6] != MVQ_VERSION)
    fail(h + 6, "stream version " + std::to_string(h[6]) + ", this memvirt reads version " +
                    std::to_string(MVQ_VERSION));
  if ((h[7] & ~MVQ_FLAG_PER_BLOCK) != 0)
    fail(h + 7, "unknown stream flags " + std::to_string(h[7]));
  pos_ += MVQ_STREAM_HEADER;
}

void QemuWireDecoder::run() {
  read_header();
  while (fill(MVQ_FRAME_HEADER) || pos_ != end_) {
    const uint8_t* h = buf_.data() + pos_;
    if (end_ - pos_ < MVQ_FRAME_HEADER) fail(buf_.data() + end_, "frame header cut short");
    const uint32_t length = get_u32(h);
    if (length == 0 || length > MVQ_FRAME_MAX)
      fail(h, "frame length " + std::to_string(length) + ", expected 1 to " +
                  std::to_string(MVQ_FRAME_MAX));
    if (!fill(MVQ_FRAME_HEADER + length))
      fail(buf_.data() + end_, "frame of " + std::to_string(length) + " bytes cut short");
    h = buf_.data() + pos_;  // fill may have moved the bytes
    const uint32_t pid = events_.enter_frame(get_u32(h + 4), get_u32(h + 8), get_u32(h + 12));
    const uint8_t* payload = h + MVQ_FRAME_HEADER;
    decode_frame(pid, get_u32(h + 8), payload, payload + length);
    pos_ += MVQ_FRAME_HEADER + length;
  }
  events_.finish();
}

void QemuWireDecoder::decode_frame(uint32_t pid, uint32_t tid, const uint8_t* p,
                                   const uint8_t* end) {
  uint64_t prev[2] = {0, 0};
  TraceRecord r;
  r.pid = pid;
  while (p < end) {
    const uint8_t* start = p;
    const uint8_t tag = *p++;
    const unsigned kind = tag & 3u;
    if (kind == MVQ_CONTROL) {
      p = decode_control(tag, pid, tid, p, end);
      continue;
    }
    uint64_t size = tag >> 2;
    if (size == 0 && (p = get_varint(p, size)) == nullptr) fail(start, "size varint too long");
    if (size == 0 || size > 0xffff)
      fail(start, "access size " + std::to_string(size) + ", expected 1 to 65535");
    uint64_t zz = 0;
    if ((p = get_varint(p, zz)) == nullptr) fail(start, "address varint too long");
    if (p > end) fail(start, "record runs past the end of its frame");
    const int cls = kind == MVQ_EXECUTE;
    prev[cls] += (zz >> 1) ^ (~(zz & 1) + 1);
    r.addr = prev[cls];
    r.size = static_cast<uint16_t>(size);
    r.kind = static_cast<TraceKind>(kind);
    sink_.record(r);
    ++records_;
  }
}

const uint8_t* QemuWireDecoder::decode_control(uint8_t tag, uint32_t pid, uint32_t tid,
                                               const uint8_t* p, const uint8_t* end) {
  const uint8_t* start = p - 1;
  const unsigned type = tag >> 2;
  if (type < MVQ_SYSCALL || type > MVQ_SYSCALL_RETURN)
    fail(start, "unknown control record " + std::to_string(type));
  QemuSyscall call;
  uint64_t num = 0;
  if ((p = get_varint(p, num)) == nullptr) fail(start, "system call number varint too long");
  call.num = static_cast<int64_t>(num);
  if (type != MVQ_SYSCALL_RETURN) {
    for (uint64_t& a : call.args) a = get_u64(p), p += 8;
  }
  if (type != MVQ_SYSCALL_ENTRY) call.ret = static_cast<int64_t>(get_u64(p)), p += 8;
  if (p > end) fail(start, "system call record runs past the end of its frame");
  call.part = type == MVQ_SYSCALL         ? QemuSyscall::Part::kWhole
              : type == MVQ_SYSCALL_ENTRY ? QemuSyscall::Part::kEntry
                                          : QemuSyscall::Part::kReturn;
  events_.syscall(pid, tid, call);
  return p;
}

}  // namespace memvirt
