#pragma once
// Decompresses an xz stream (ChampSim's usual .xz traces) as it is read, through liblzma.
#include <cstdint>
#include <memory>
#include <vector>

#include "workload/trace/byte_source.hpp"

namespace memvirt {

inline constexpr uint8_t kXzMagic[6] = {0xfd, '7', 'z', 'X', 'Z', 0};

class XzSource final : public ByteSource {
 public:
  // Memory is the decoder's dictionary (set by the file, 64 MiB at xz -9) plus a small input
  // buffer; a stream that asks for more than kMemoryLimit is refused.
  static constexpr uint64_t kMemoryLimit = uint64_t{256} << 20;

  explicit XzSource(std::unique_ptr<ByteSource> compressed);
  ~XzSource() override;
  // Throws TraceError at the compressed byte offset if the stream is corrupt or truncated.
  size_t read(std::span<uint8_t> out) override;

 private:
  std::unique_ptr<ByteSource> in_;
  struct Decoder;  // liblzma's stream, kept out of this header
  std::unique_ptr<Decoder> dec_;
  std::vector<uint8_t> buf_;
  uint64_t stream_start_ = 0;  // compressed offset of the stream being decoded
  bool in_done_ = false;
  bool finished_ = false;

  void start_stream();
  bool refill();  // false once the input has no more bytes
  // After a stream's end: skips the zero padding xz allows; true if another stream follows.
  bool next_stream();
};

}  // namespace memvirt
