#pragma once
// Lines of a text trace, pulled through a fixed buffer: memory is bounded by the longest line
// allowed, not by the length of the input.
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "workload/trace/byte_source.hpp"

namespace memvirt {

class LineSource {
 public:
  // Lines of `max_line` bytes or more are refused, unless `skippable` says they are comments.
  LineSource(std::unique_ptr<ByteSource> src, size_t max_line, bool (*skippable)(std::string_view));

  // The next line without its '\n' (the last one may lack it), and the byte offset where it
  // starts; false at the end. A line is valid until the next call. Throws TraceError.
  bool next(std::string_view& line, uint64_t& offset);
  const std::string& name() const { return src_->name(); }

 private:
  bool fill();
  void skip_long_line();

  std::unique_ptr<ByteSource> src_;
  size_t max_line_;
  bool (*skippable_)(std::string_view);
  std::vector<char> buf_;
  size_t begin_ = 0;  // of the unread bytes in buf_
  size_t end_ = 0;
  uint64_t buf_offset_ = 0;  // input offset of buf_[0]
  bool eof_ = false;
};

}  // namespace memvirt
