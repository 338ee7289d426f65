#pragma once
// Replays a trace as a workload. A real program's addresses are wherever its loader and
// allocator put them, so before the first access to each 2 MiB (with 1 GiB pages: 1 GiB)
// aligned region the workload maps that region, read-write-execute, in the context's page
// size: no access of the trace is a segfault. Memory: one batch of records, plus one bit of
// bookkeeping per region touched (bounded by the program's footprint, not the trace's length).
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "workload/spec.hpp"
#include "workload/trace/trace_reader.hpp"
#include "workload/workload.hpp"

namespace memvirt {

// Addresses at or above this are kernel addresses or need 5-level paging: they are left out
// (and counted), so that the trace runs with 4-level tables as well.
inline constexpr uint64_t kTraceUserEnd = uint64_t{1} << 47;

class TraceWorkload final : public Workload {
 public:
  // Opens spec.file; throws std::system_error or TraceError.
  TraceWorkload(const TraceSpec& spec, const WorkloadContext& ctx);
  TraceWorkload(std::unique_ptr<TraceReader> reader, const WorkloadContext& ctx);
  size_t next(std::span<Event> out) override;

  uint64_t skipped_records() const override { return skipped_; }  // at or above kTraceUserEnd

 private:
  void expand(const TraceRecord& r);
  bool refill();

  std::unique_ptr<TraceReader> reader_;
  PageSize page_;
  uint64_t region_bytes_;
  std::vector<TraceRecord> records_;
  size_t pos_ = 0;
  size_t end_ = 0;
  std::array<Event, 3> pending_;  // a fork, a mapping and the access of one record
  unsigned pending_count_ = 0;
  unsigned pending_pos_ = 0;
  // Regions mapped per pid, by region number; the last region seen for code and for data
  // spares most lookups.
  std::unordered_map<uint32_t, std::unordered_set<uint64_t>> mapped_;
  uint32_t last_pid_ = 0;
  std::array<uint64_t, 2> last_region_{~uint64_t{0}, ~uint64_t{0}};
  uint64_t skipped_ = 0;
};

}  // namespace memvirt
