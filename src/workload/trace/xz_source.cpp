#include "workload/trace/xz_source.hpp"

#include <lzma.h>

#include <string>

#include "workload/trace/trace_error.hpp"

namespace memvirt {
namespace {

std::string lzma_problem(lzma_ret r) {
  switch (r) {
    case LZMA_FORMAT_ERROR:
      return "bad magic: expected an xz stream (fd 37 7a 58 5a 00)";
    case LZMA_OPTIONS_ERROR:
      return "unsupported xz options";
    case LZMA_DATA_ERROR:
      return "corrupt xz data";
    case LZMA_BUF_ERROR:
      return "truncated xz stream: expected more compressed data";
    case LZMA_MEMLIMIT_ERROR:
      return "the xz stream needs a dictionary above 256 MiB";
    case LZMA_MEM_ERROR:
      return "out of memory for the xz decoder";
    default:
      return "xz decoder error " + std::to_string(static_cast<int>(r));
  }
}

}  // namespace

struct XzSource::Decoder {
  lzma_stream strm = LZMA_STREAM_INIT;
};

XzSource::XzSource(std::unique_ptr<ByteSource> compressed)
    : ByteSource(compressed->name()),
      in_(std::move(compressed)),
      dec_(std::make_unique<Decoder>()),
      buf_(64 << 10) {
  const lzma_ret r = lzma_stream_decoder(&dec_->strm, kMemoryLimit, LZMA_CONCATENATED);
  if (r != LZMA_OK) throw TraceError(name(), 0, lzma_problem(r));
}

XzSource::~XzSource() { lzma_end(&dec_->strm); }

size_t XzSource::read(std::span<uint8_t> out) {
  dec_->strm.next_out = out.data();
  dec_->strm.avail_out = out.size();
  while (dec_->strm.avail_out != 0 && !finished_) {
    if (dec_->strm.avail_in == 0 && !in_done_) {
      dec_->strm.next_in = buf_.data();
      dec_->strm.avail_in = in_->read(buf_);
      in_done_ = dec_->strm.avail_in < buf_.size();
    }
    const lzma_ret r = lzma_code(&dec_->strm, in_done_ ? LZMA_FINISH : LZMA_RUN);
    if (r == LZMA_STREAM_END)
      finished_ = true;
    else if (r != LZMA_OK)
      throw TraceError(name(), dec_->strm.total_in, lzma_problem(r));
  }
  return out.size() - dec_->strm.avail_out;
}

}  // namespace memvirt
