// The QEMU plugin's stream is read from a pipe another program writes: any bytes either decode
// or are refused with a TraceError.
#include <cstdint>
#include <memory>

#include "workload/trace/byte_source.hpp"
#include "workload/trace/qemu_wire_decoder.hpp"
#include "workload/trace/trace_error.hpp"

namespace {

struct Discard final : memvirt::TraceSink {
  void record(const memvirt::TraceRecord&) override {}
  void event(const memvirt::SpaceEvent&) override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Discard sink;
  try {
    memvirt::QemuWireDecoder decoder(
        std::make_unique<memvirt::MemorySource>(std::span<const uint8_t>(data, size)), sink);
    decoder.run();
  } catch (const memvirt::TraceError&) {
  }
  return 0;
}
