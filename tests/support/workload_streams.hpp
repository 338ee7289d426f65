#pragma once
// Helpers for the generator tests: whole event streams, compared field by field, and run on a
// simulated machine.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string_view>
#include <tuple>
#include <vector>

#include "support/machines.hpp"
#include "workload/spec.hpp"
#include "workload/workload.hpp"

namespace memvirt::test {

inline std::vector<Event> drain(Workload& w, size_t batch) {
  std::vector<Event> all;
  std::vector<Event> buf(batch);
  while (size_t n = w.next(buf)) all.insert(all.end(), buf.begin(), buf.begin() + n);
  return all;
}

// The stream of the spec `text`, pulled `batch` events at a time.
inline std::vector<Event> stream(std::string_view text, PageSize page = PageSize::k4K,
                                 uint64_t seed = 1, size_t batch = 4096) {
  const auto w = make_workload(parse_workload_spec(text), WorkloadContext{page, seed});
  return drain(*w, batch);
}

// Every field of an event, so that two streams compare with ==.
using EventFields =
    std::tuple<EventKind, uint32_t, uint32_t, uint32_t, uint64_t, uint64_t, PageSize, uint8_t>;

inline std::vector<EventFields> fields(const std::vector<Event>& events) {
  std::vector<EventFields> out;
  for (const Event& e : events) {
    out.emplace_back(e.kind, e.pid, e.child, e.region, e.addr.raw(), e.length, e.page, e.prot);
  }
  return out;
}

inline size_t count_kind(const std::vector<Event>& events, EventKind kind) {
  return static_cast<size_t>(std::count_if(events.begin(), events.end(),
                                           [kind](const Event& e) { return e.kind == kind; }));
}

// A fresh machine in `mode` that has applied every event of the spec `text`.
inline std::unique_ptr<Machine> run_spec(std::string_view text, PagingMode mode,
                                         PageSize page = PageSize::k4K, uint64_t seed = 1) {
  SimConfig config = config_for(mode);
  config.page = page;
  config.seed = seed;
  auto machine = std::make_unique<Machine>(config);
  const auto w = make_workload(parse_workload_spec(text), WorkloadContext{page, seed});
  std::vector<Event> buf(256);
  while (size_t n = w->next(buf)) {
    for (size_t i = 0; i < n; ++i) machine->apply(buf[i]);
  }
  return machine;
}

}  // namespace memvirt::test
