#pragma once
// Helpers for the trace tests: readers over bytes written in the test, and whole record lists.
#include <cstdint>
#include <memory>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "workload/trace/byte_source.hpp"
#include "workload/trace/trace_error.hpp"
#include "workload/trace/trace_reader.hpp"

namespace memvirt::test {

// Bytes that a MemorySource reads; kept alive by the test for as long as the reader.
inline std::span<const uint8_t> as_bytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

template <typename Reader>
std::unique_ptr<Reader> reader_over(std::string_view bytes) {
  return std::make_unique<Reader>(std::make_unique<MemorySource>(as_bytes(bytes), "sample"));
}

// Every record, pulled `batch` at a time (events passed over).
inline std::vector<TraceRecord> read_all(TraceReader& r, size_t batch = 1000) {
  std::vector<TraceRecord> all;
  std::vector<TraceRecord> buf(batch);
  while (true) {
    const size_t n = r.read(buf);
    all.insert(all.end(), buf.begin(), buf.begin() + n);
    if (n == 0 && !r.take_event()) return all;
  }
}

// Records and events in the order the reader delivers them.
using TraceItem = std::variant<TraceRecord, SpaceEvent>;
inline std::vector<TraceItem> read_items(TraceReader& r, size_t batch = 1000) {
  std::vector<TraceItem> all;
  std::vector<TraceRecord> buf(batch);
  while (true) {
    const size_t n = r.read(buf);
    all.insert(all.end(), buf.begin(), buf.begin() + n);
    const std::optional<SpaceEvent> e = r.take_event();
    if (e) all.emplace_back(*e);
    if (n == 0 && !e) return all;
  }
}

// The offset of the TraceError that reading all of `bytes` throws, or -1 if none; the message
// goes to `message`.
template <typename Reader>
int64_t error_offset(std::string_view bytes, std::string* message = nullptr) {
  try {
    auto r = reader_over<Reader>(bytes);
    read_all(*r);
  } catch (const TraceError& e) {
    if (message) *message = e.what();
    return static_cast<int64_t>(e.offset());
  }
  return -1;
}

}  // namespace memvirt::test
