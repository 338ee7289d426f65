// Decoding speed of the .mvt reader: records per second from compressed bytes in memory to
// TraceRecords, zstd included.
//   mvt_decode/program  a synthetic program's trace: loops of fixed basic blocks over arrays,
//                       calls that push and pop a stack, data-dependent branches (real traces
//                       recorded with `memvirt record` compress at least as well)
//   mvt_decode/random   the worst case: random instruction lengths, random stack and heap words
//   mvt_decode/events   the program's trace in version 2 with an mmap and an munmap every
//                       100,000 records (a program's system calls are rarer than that)
//   mvt_decode/file     the trace in $MEMVIRT_BENCH_TRACE (only when it is set)
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "workload/rng.hpp"
#include "workload/trace/byte_source.hpp"
#include "workload/trace/mvt_reader.hpp"
#include "workload/trace/mvt_writer.hpp"

namespace memvirt {
namespace {

constexpr uint64_t kRecords = 8'000'000;

// A basic block: instructions of fixed lengths from `pc`, a load and a store in the middle.
void block(MvtWriter& w, uint64_t pc, unsigned instrs, uint64_t load, uint64_t store) {
  for (unsigned i = 0; i < instrs; ++i) {
    const uint16_t length = static_cast<uint16_t>(2 + (pc * 7 + i * 13) % 5);
    w.write({pc, 0, length, TraceKind::kExecute});
    pc += length;
    if (i == instrs / 2) w.write({load, 0, 8, TraceKind::kRead});
    if (i == instrs / 2 + 1) w.write({store, 0, 8, TraceKind::kWrite});
  }
}

void program_trace(MvtWriter& w) {
  Rng rng(42);
  constexpr uint64_t kArray = 0x4a00000;
  constexpr uint64_t kStack = 0x1ffefff000;
  for (uint64_t i = 0; w.records() < kRecords; ++i) {
    const uint64_t element = kArray + 8 * (i % (1 << 20));
    block(w, 0x401000, 12, element, kStack - 16);
    if (rng.next_below(10) == 0) block(w, 0x401100, 6, kStack - 8, element + (1 << 23));
    if (i % 64 == 0) {
      block(w, 0x402000, 20, kStack - 64, kStack - 72);  // a call: push, work, pop
      block(w, 0x402200, 8, kArray + 8 * rng.next_below(1 << 20), kStack - 80);
    }
  }
}

void random_trace(MvtWriter& w) {
  Rng rng(42);
  uint64_t pc = 0x400000;
  for (uint64_t i = 0; i < kRecords; ++i) {
    const uint64_t r = rng.next_below(100);
    if (r < 55) {
      pc = r < 3 ? 0x400000 + 16 * rng.next_below(1 << 16) : pc + 1 + rng.next_below(7);
      w.write({pc, 0, static_cast<uint16_t>(1 + rng.next_below(7)), TraceKind::kExecute});
      continue;
    }
    const uint64_t addr = r < 80 ? 0x1ffefff000 - 8 * rng.next_below(64)
                                 : 0x4a00000 + 8 * ((i * 7 + rng.next_below(512)) % (1 << 20));
    w.write({addr, 0, 8, r < 92 ? TraceKind::kRead : TraceKind::kWrite});
  }
}

template <typename Fill>
std::string encoded(Fill fill, bool events = false) {
  std::ostringstream out;
  MvtWriter writer(out, MvtWriterOptions{.events = events});
  fill(writer);
  writer.finish();
  return std::move(out).str();
}

// The program's trace, interrupted by a mapping made and dropped now and then.
void program_with_events(MvtWriter& w) {
  std::ostringstream plain_out;
  MvtWriter plain(plain_out, false);
  program_trace(plain);
  plain.finish();
  const std::string plain_bytes = std::move(plain_out).str();
  MvtReader reader(std::make_unique<MemorySource>(std::span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(plain_bytes.data()), plain_bytes.size())));
  uint64_t n = 0;
  for (auto block = reader.next_block(); !block.empty(); block = reader.next_block()) {
    for (const TraceRecord& r : block) {
      if (n++ % 100'000 == 0) {
        const uint64_t at = 0x7f0000000000 + (n << 12);
        w.write_event({SpaceEventKind::kMmap, 0, 0, at, 0x10000, 0, 0, 3, 0x22});
        w.write_event({SpaceEventKind::kMunmap, 0, 0, at, 0x10000});
      }
      w.write(r);
    }
  }
}

void decode_all(benchmark::State& state, const std::string& trace) {
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(trace.data()),
                                       trace.size());
  uint64_t records = 0;
  uint64_t per_pass = 0;
  for (auto _ : state) {
    MvtReader reader(std::make_unique<MemorySource>(bytes));
    uint64_t sum = 0;
    per_pass = 0;
    while (true) {
      const auto block = reader.next_block();
      if (!block.empty()) {
        per_pass += block.size();
        sum += block.back().addr;
      } else if (const auto e = reader.take_event()) {
        sum += e->addr;
      } else {
        break;
      }
    }
    records += per_pass;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(records));
  state.counters["bytes_per_record"] = static_cast<double>(trace.size()) / per_pass;
}

void BM_mvt_decode_program(benchmark::State& state) {
  static const std::string trace = encoded(program_trace);
  decode_all(state, trace);
}
BENCHMARK(BM_mvt_decode_program)->Name("mvt_decode/program")->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_mvt_decode_random(benchmark::State& state) {
  static const std::string trace = encoded(random_trace);
  decode_all(state, trace);
}
BENCHMARK(BM_mvt_decode_random)->Name("mvt_decode/random")->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_mvt_decode_events(benchmark::State& state) {
  static const std::string trace = encoded(program_with_events, true);
  decode_all(state, trace);
}
BENCHMARK(BM_mvt_decode_events)->Name("mvt_decode/events")->Unit(benchmark::kMillisecond)->UseRealTime();

// Registered only when asked for, so that a plain run lists no skipped benchmark.
const bool kFileRegistered = [] {
  const char* path = std::getenv("MEMVIRT_BENCH_TRACE");
  if (path == nullptr) return false;
  benchmark::RegisterBenchmark("mvt_decode/file", [path](benchmark::State& state) {
    std::ifstream in(path, std::ios::binary);
    const std::string trace{std::istreambuf_iterator<char>(in), {}};
    decode_all(state, trace);
  })->Unit(benchmark::kMillisecond)->UseRealTime();
  return true;
}();

}  // namespace
}  // namespace memvirt
