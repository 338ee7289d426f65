#pragma once
// Reads the QEMU plugin's byte stream (workload/trace/qemu_wire.h) and delivers its references
// and address-space events to a TraceSink, in the order the stream holds them. Corrupt or
// truncated input is a TraceError naming the byte offset.
#include <cstdint>
#include <memory>
#include <vector>

#include "workload/trace/byte_source.hpp"
#include "workload/trace/qemu_events.hpp"
#include "workload/trace/space_event.hpp"

namespace memvirt {

class QemuWireDecoder {
 public:
  QemuWireDecoder(std::unique_ptr<ByteSource> in, TraceSink& sink);

  // Decodes to the end of the input; throws TraceError, std::system_error if reading fails.
  void run();

  uint64_t records() const { return records_; }
  uint64_t events() const { return events_.events(); }
  // Bytes consumed so far: 0 means not even the stream header arrived.
  uint64_t offset() const { return base_ + pos_; }

 private:
  bool fill(size_t need);  // at least `need` bytes from pos_ on; false at a clean end
  void read_header();
  void decode_frame(uint32_t pid, uint32_t tid, const uint8_t* p, const uint8_t* end);
  const uint8_t* decode_control(uint8_t tag, uint32_t pid, uint32_t tid, const uint8_t* p,
                                const uint8_t* end);
  [[noreturn]] void fail(const uint8_t* at, const std::string& what) const;

  std::unique_ptr<ByteSource> in_;
  TraceSink& sink_;
  QemuEvents events_;
  std::vector<uint8_t> buf_;
  size_t pos_ = 0, end_ = 0;  // the unread bytes of buf_
  uint64_t base_ = 0;         // stream offset of buf_[0]
  bool eof_ = false;
  uint64_t records_ = 0;
};

}  // namespace memvirt
