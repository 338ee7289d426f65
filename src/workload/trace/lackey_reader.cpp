#include "workload/trace/lackey_reader.hpp"

#include <string>

#include "text/message_quote.hpp"
#include "workload/trace/trace_error.hpp"

namespace memvirt {
namespace {

bool is_valgrind_comment(std::string_view line) {
  return line.starts_with("==") || line.starts_with("--");
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string shown(std::string_view line) { return message_quote(line, 40); }

// Parses "ADDR,SIZE" from `text` (starting at `column` of the line at `offset`).
class Fields {
 public:
  Fields(const std::string& source, uint64_t offset, std::string_view line, size_t column)
      : source_(source), offset_(offset), line_(line), pos_(column) {}

  uint64_t address() {
    const size_t start = pos_;
    uint64_t value = 0;
    for (int d; pos_ < line_.size() && (d = hex_digit(line_[pos_])) >= 0; ++pos_) {
      if (pos_ - start == 16) fail("address overflow: more than 16 hex digits (64 bits)");
      value = value << 4 | static_cast<uint64_t>(d);
    }
    if (pos_ == start) fail("expected a hex address, found " + shown(line_.substr(pos_)));
    return value;
  }
  void comma() {
    if (pos_ >= line_.size() || line_[pos_] != ',')
      fail("expected ',' after the address, found " + shown(line_.substr(pos_)));
    ++pos_;
  }
  uint16_t size() {
    const size_t start = pos_;
    uint32_t value = 0;
    for (; pos_ < line_.size() && line_[pos_] >= '0' && line_[pos_] <= '9'; ++pos_) {
      value = value * 10 + static_cast<uint32_t>(line_[pos_] - '0');
      if (value > UINT16_MAX) fail("size overflow: above 65535 bytes");
    }
    if (pos_ == start) fail("expected a decimal size, found " + shown(line_.substr(pos_)));
    if (pos_ != line_.size())
      fail("expected the end of the line, found " + shown(line_.substr(pos_)));
    return static_cast<uint16_t>(value);
  }

 private:
  [[noreturn]] void fail(const std::string& message) const {
    throw TraceError(source_, offset_ + pos_, message);
  }
  const std::string& source_;
  uint64_t offset_;
  std::string_view line_;
  size_t pos_;
};

}  // namespace

LackeyReader::LackeyReader(std::unique_ptr<ByteSource> source)
    : lines_(std::move(source), kMaxLine, is_valgrind_comment) {}

unsigned LackeyReader::parse(std::string_view line, uint64_t offset, TraceRecord (&out)[2]) const {
  const std::string_view tag = line.substr(0, 3);
  TraceKind kind = TraceKind::kRead;
  if (tag == "I  ")
    kind = TraceKind::kExecute;
  else if (tag == " S ")
    kind = TraceKind::kWrite;
  else if (tag != " L " && tag != " M ")
    throw TraceError(lines_.name(), offset,
                     "expected a lackey record ('I  ', ' L ', ' S ' or ' M ' then addr,size) or "
                     "a '==pid==' line, found " +
                         shown(line));
  Fields f(lines_.name(), offset, line, 3);
  const uint64_t addr = f.address();
  f.comma();
  const uint16_t size = f.size();
  out[0] = TraceRecord{addr, 0, size, kind};
  if (tag != " M ") return 1;
  out[1] = TraceRecord{addr, 0, size, TraceKind::kWrite};
  return 2;
}

size_t LackeyReader::read(std::span<TraceRecord> out) {
  size_t count = 0;
  if (pending_ && !out.empty()) {
    out[count++] = *pending_;
    pending_.reset();
  }
  std::string_view line;
  uint64_t offset = 0;
  while (count < out.size() && lines_.next(line, offset)) {
    if (is_valgrind_comment(line)) continue;
    TraceRecord parsed[2];
    const unsigned n = parse(line, offset, parsed);
    out[count++] = parsed[0];
    if (n == 2 && count < out.size())
      out[count++] = parsed[1];
    else if (n == 2)
      pending_ = parsed[1];
  }
  return count;
}

}  // namespace memvirt
