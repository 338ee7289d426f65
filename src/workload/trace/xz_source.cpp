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

// Streams are decoded one at a time (not LZMA_CONCATENATED), so that what follows the end of
// a stream is seen for what it is: padding, another stream, or bytes that are no xz data, which
// the concatenated decoder would have called a truncated stream.
XzSource::XzSource(std::unique_ptr<ByteSource> compressed)
    : ByteSource(compressed->name()),
      in_(std::move(compressed)),
      dec_(std::make_unique<Decoder>()),
      buf_(64 << 10) {
  start_stream();
}

XzSource::~XzSource() { lzma_end(&dec_->strm); }

// A fresh decoder that goes on from where the last one stopped, in the input and the output.
void XzSource::start_stream() {
  lzma_stream& s = dec_->strm;
  const lzma_stream at = s;
  stream_start_ += s.total_in;
  lzma_end(&s);
  s = LZMA_STREAM_INIT;
  const lzma_ret r = lzma_stream_decoder(&s, kMemoryLimit, 0);
  if (r != LZMA_OK) throw TraceError(name(), stream_start_, lzma_problem(r));
  s.next_in = at.next_in;
  s.avail_in = at.avail_in;
  s.next_out = at.next_out;
  s.avail_out = at.avail_out;
}

bool XzSource::refill() {
  if (dec_->strm.avail_in != 0) return true;
  if (in_done_) return false;
  dec_->strm.next_in = buf_.data();
  dec_->strm.avail_in = in_->read(buf_);
  in_done_ = dec_->strm.avail_in < buf_.size();
  return dec_->strm.avail_in != 0;
}

bool XzSource::next_stream() {
  while (refill()) {
    if (*dec_->strm.next_in != 0) break;
    ++dec_->strm.next_in;
    --dec_->strm.avail_in;
    ++dec_->strm.total_in;
  }
  if (dec_->strm.avail_in == 0) return false;
  const uint64_t at = stream_start_ + dec_->strm.total_in;
  if (*dec_->strm.next_in != kXzMagic[0])
    throw TraceError(name(), at, "bytes after the end of the xz stream that are no xz stream");
  start_stream();
  return true;
}

size_t XzSource::read(std::span<uint8_t> out) {
  dec_->strm.next_out = out.data();
  dec_->strm.avail_out = out.size();
  while (dec_->strm.avail_out != 0 && !finished_) {
    refill();
    const lzma_ret r = lzma_code(&dec_->strm, in_done_ ? LZMA_FINISH : LZMA_RUN);
    if (r == LZMA_STREAM_END) {
      finished_ = !next_stream();
    } else if (r != LZMA_OK) {
      throw TraceError(name(), stream_start_ + dec_->strm.total_in, lzma_problem(r));
    }
  }
  return out.size() - dec_->strm.avail_out;
}

}  // namespace memvirt
