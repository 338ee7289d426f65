// .mvt files come from users: any bytes either decode, and then seeking agrees with reading
// from the start, or are refused with a TraceError. Nothing else may happen.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "workload/trace/byte_source.hpp"
#include "workload/trace/mvt_reader.hpp"
#include "workload/trace/trace_error.hpp"

using memvirt::MemorySource;
using memvirt::MvtReader;
using memvirt::TraceRecord;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  std::vector<TraceRecord> all;
  try {
    MvtReader reader(std::make_unique<MemorySource>(bytes));
    std::vector<TraceRecord> buf(1000);
    while (size_t n = reader.read(buf)) all.insert(all.end(), buf.begin(), buf.begin() + n);
  } catch (const memvirt::TraceError&) {
    return 0;
  }
  try {
    MvtReader reader(std::make_unique<MemorySource>(bytes));
    const uint64_t middle = all.size() / 2;
    reader.seek_record(middle);
    std::vector<TraceRecord> buf(1);
    if (middle < all.size() && (reader.read(buf) != 1 || !(buf[0] == all[middle]))) std::abort();
  } catch (const memvirt::TraceError&) {
    // A file can read well from the start yet carry a damaged index: that must be refused.
  }
  return 0;
}
