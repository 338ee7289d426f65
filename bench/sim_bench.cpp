// Simulated accesses per second of the engine's three paths:
//   hit            TLB-hit-dominated sequential access, counting only (no timing model)
//   native_random  native 4-level walks on a random 1 GiB working set, counting only
//   nested_random  nested 2D walks on the same, with the timing model (caches, paging-structure
//                  caches, nested TLB) of the zen3 preset
//   nested_random_counting  the same walks counted only: what the timing model adds is the gap
// The machine and its mappings are built and warmed before timing; each iteration then runs
// the same batch of accesses against the warm machine.
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "sim/machine.hpp"
#include "timing/cpu_model.hpp"
#include "workload/rng.hpp"

namespace memvirt {
namespace {

constexpr uint64_t kBase = uint64_t{0x1000} << 32;
constexpr size_t kBatch = 1 << 16;

std::unique_ptr<Machine> machine(PagingMode mode, bool timed, uint64_t ws) {
  SimConfig c;
  c.mode = mode;
  if (timed) {
    c.cpu = std::make_shared<const CpuModel>(load_cpu_model("zen3"));
    c.tlb = tlb_config_for(c.cpu->tlb);
  }
  auto m = std::make_unique<Machine>(c);
  Event map;
  map.kind = EventKind::kMmap;
  map.addr = GuestVirt(kBase);
  map.length = ws;
  map.prot = kProtRead | kProtWrite;
  m->apply(map);
  for (uint64_t off = 0; off < ws; off += 4096) m->access(0, GuestVirt(kBase + off), AccessType::kRead);
  return m;
}

void run(benchmark::State& state, Machine& m, const std::vector<GuestVirt>& addrs) {
  for (auto _ : state)
    for (GuestVirt va : addrs) benchmark::DoNotOptimize(m.access(0, va, AccessType::kRead));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * addrs.size()));
}

std::vector<GuestVirt> sequential(uint64_t ws) {
  std::vector<GuestVirt> a;
  for (size_t i = 0; i < kBatch; ++i) a.emplace_back(kBase + (i * 8) % ws);
  return a;
}

std::vector<GuestVirt> random_in(uint64_t ws) {
  Rng rng(1);
  std::vector<GuestVirt> a;
  for (size_t i = 0; i < kBatch; ++i) a.emplace_back(kBase + 8 * rng.next_below(ws / 8));
  return a;
}

void BM_hit(benchmark::State& state) {
  auto m = machine(PagingMode::kNative, false, 64 << 10);
  run(state, *m, sequential(64 << 10));
}
BENCHMARK(BM_hit);

void BM_native_random(benchmark::State& state) {
  auto m = machine(PagingMode::kNative, false, uint64_t{1} << 30);
  run(state, *m, random_in(uint64_t{1} << 30));
}
BENCHMARK(BM_native_random);

void BM_nested_random(benchmark::State& state) {
  auto m = machine(PagingMode::kNested, true, uint64_t{1} << 30);
  run(state, *m, random_in(uint64_t{1} << 30));
}
BENCHMARK(BM_nested_random);

void BM_nested_random_counting(benchmark::State& state) {
  auto m = machine(PagingMode::kNested, false, uint64_t{1} << 30);
  run(state, *m, random_in(uint64_t{1} << 30));
}
BENCHMARK(BM_nested_random_counting);

}  // namespace
}  // namespace memvirt
