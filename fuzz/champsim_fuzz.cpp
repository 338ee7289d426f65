// ChampSim traces come from users: any bytes, plain or taken as xz, read as either variant
// (64-byte records or CloudSuite's 96), either decode or are refused with a TraceError.
#include <cstdint>
#include <memory>
#include <vector>

#include "workload/trace/byte_source.hpp"
#include "workload/trace/champsim_reader.hpp"
#include "workload/trace/trace_error.hpp"
#include "workload/trace/xz_source.hpp"

namespace {

void drain(memvirt::ChampSimReader& reader) {
  std::vector<memvirt::TraceRecord> buf(5);
  while (reader.read(buf) != 0) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  try {
    memvirt::ChampSimReader plain(std::make_unique<memvirt::MemorySource>(bytes));
    drain(plain);
  } catch (const memvirt::TraceError&) {
  }
  try {
    memvirt::ChampSimReader cloudsuite(std::make_unique<memvirt::MemorySource>(bytes),
                                       memvirt::kCloudSuiteLayout);
    drain(cloudsuite);
  } catch (const memvirt::TraceError&) {
  }
  try {
    memvirt::ChampSimReader xz(
        std::make_unique<memvirt::XzSource>(std::make_unique<memvirt::MemorySource>(bytes)));
    drain(xz);
  } catch (const memvirt::TraceError&) {
  }
  return 0;
}
