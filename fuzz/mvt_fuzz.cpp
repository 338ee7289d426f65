// .mvt files come from users: any bytes either decode, and then seeking agrees with reading
// from the start, or are refused with a TraceError. Nothing else may happen. Version 2 files
// (corpus: events.mvt) deliver their events between records; every event handed over must be
// one the writer would accept again (a kind it knows, only the fields that kind uses).
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <vector>

#include "workload/trace/byte_source.hpp"
#include "workload/trace/mvt_events.hpp"
#include "workload/trace/mvt_reader.hpp"
#include "workload/trace/trace_error.hpp"

using memvirt::MemorySource;
using memvirt::MvtReader;
using memvirt::SpaceEvent;
using memvirt::TraceRecord;

namespace {

// An event the reader gave must encode again; anything else is a reader bug.
void check_event(const SpaceEvent& e) {
  std::vector<uint8_t> bytes;
  try {
    memvirt::mvt::encode_event(e, 0, bytes);
  } catch (const std::invalid_argument&) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  std::vector<TraceRecord> all;
  try {
    MvtReader reader(std::make_unique<MemorySource>(bytes));
    std::vector<TraceRecord> buf(1000);
    while (true) {
      const size_t n = reader.read(buf);
      all.insert(all.end(), buf.begin(), buf.begin() + n);
      const auto e = reader.take_event();
      if (e) check_event(*e);
      if (n == 0 && !e) break;
    }
  } catch (const memvirt::TraceError&) {
    return 0;
  }
  try {
    MvtReader reader(std::make_unique<MemorySource>(bytes));
    const uint64_t middle = all.size() / 2;
    reader.seek_record(middle);
    std::vector<TraceRecord> buf(1);
    size_t got = 0;
    while ((got = reader.read(buf)) == 0 && reader.take_event()) {
    }
    if (middle < all.size() && (got != 1 || !(buf[0] == all[middle]))) std::abort();
  } catch (const memvirt::TraceError&) {
    // A file can read well from the start yet carry a damaged index: that must be refused.
  }
  return 0;
}
