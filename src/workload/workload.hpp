#pragma once
// A workload is a stream of events, pulled in batches so that the engine's per-access loop
// makes no virtual call.
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "arch/page_size.hpp"
#include "workload/event.hpp"
#include "workload/spec.hpp"

namespace memvirt {

// What a generator needs from the run's configuration.
struct WorkloadContext {
  PageSize page = PageSize::k4K;  // backing page size for the regions it maps
  uint64_t seed = 1;
  // The region is already mapped (and touched): emit the accesses only. measured_loop.hpp
  // builds the measured computation from such laps.
  bool premapped = false;
};

class Workload {
 public:
  virtual ~Workload() = default;
  // Fills the front of `out`; returns how many events were written, 0 at the end.
  virtual size_t next(std::span<Event> out) = 0;
  // Records of a recorded trace that could not be simulated (addresses beyond the user space);
  // generators have none.
  virtual uint64_t skipped_records() const { return 0; }
};

std::unique_ptr<Workload> make_workload(const WorkloadSpec& spec, const WorkloadContext& ctx);

// Processes start with pid 0 running; generators map their regions at fixed addresses from here.
inline constexpr uint64_t kWorkloadRegionBase = uint64_t{0x1000} << 32;  // 16 TiB, 1 GiB aligned

}  // namespace memvirt
