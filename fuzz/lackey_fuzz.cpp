// Lackey text comes from users: any bytes either parse or are refused with a TraceError.
#include <cstdint>
#include <memory>
#include <vector>

#include "workload/trace/byte_source.hpp"
#include "workload/trace/lackey_reader.hpp"
#include "workload/trace/trace_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    memvirt::LackeyReader reader(
        std::make_unique<memvirt::MemorySource>(std::span<const uint8_t>(data, size)));
    // Batches of 3 split M lines across calls too.
    std::vector<memvirt::TraceRecord> buf(3);
    while (reader.read(buf) != 0) {
    }
  } catch (const memvirt::TraceError&) {
  }
  return 0;
}
