#include "workload/trace/line_source.hpp"

#include <cstring>
#include <string>

#include "workload/trace/trace_error.hpp"

namespace memvirt {

LineSource::LineSource(std::unique_ptr<ByteSource> src, size_t max_line,
                       bool (*skippable)(std::string_view))
    : src_(std::move(src)), max_line_(max_line), skippable_(skippable), buf_(2 * max_line) {}

// Moves the unread bytes to the front and reads more behind them; false if nothing came.
bool LineSource::fill() {
  if (eof_) return false;
  std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
  buf_offset_ += begin_;
  end_ -= begin_;
  begin_ = 0;
  const size_t got =
      src_->read({reinterpret_cast<uint8_t*>(buf_.data()) + end_, buf_.size() - end_});
  eof_ = end_ + got < buf_.size();
  end_ += got;
  return got != 0;
}

// Drops the rest of an over-long comment line, a buffer at a time.
void LineSource::skip_long_line() {
  for (;;) {
    const void* nl = std::memchr(buf_.data() + begin_, '\n', end_ - begin_);
    if (nl != nullptr) {
      begin_ = static_cast<size_t>(static_cast<const char*>(nl) - buf_.data()) + 1;
      return;
    }
    begin_ = end_;
    if (!fill()) return;
  }
}

bool LineSource::next(std::string_view& line, uint64_t& offset) {
  for (;;) {
    const char* start = buf_.data() + begin_;
    const void* nl = std::memchr(start, '\n', end_ - begin_);
    const size_t length =
        nl ? static_cast<size_t>(static_cast<const char*>(nl) - start) : end_ - begin_;
    if (nl == nullptr && length < max_line_ && fill()) continue;
    offset = buf_offset_ + begin_;
    if (length >= max_line_) {
      if (!skippable_(std::string_view(start, max_line_)))
        throw TraceError(name(), offset,
                         "line of " + std::to_string(max_line_) +
                             " bytes or more (expected one trace record per line)");
      skip_long_line();
      continue;
    }
    if (length == 0 && nl == nullptr) return false;
    line = std::string_view(start, length);
    begin_ += length + (nl ? 1 : 0);
    return true;
  }
}

}  // namespace memvirt
