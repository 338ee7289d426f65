#pragma once
// Replays a trace as a workload. A real program's addresses are wherever its loader and
// allocator put them, so before the first access to each 2 MiB (with 1 GiB pages: 1 GiB)
// aligned region that the trace has not mapped itself, the workload maps that region (its
// unmapped part), read-write-execute, in the context's page size: no access of the trace is a
// segfault. A trace with address-space events (.mvt version 2) has its mmaps, munmaps,
// mprotects, forks, execs and exits made kernel events where the program made them
// (SpaceReplay). Memory: one batch of records, plus the mappings of each process (bounded by
// the program's footprint, not the trace's length).
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "workload/spec.hpp"
#include "workload/trace/space_replay.hpp"
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
  uint64_t region_bytes_;
  SpaceReplay replay_;
  std::vector<TraceRecord> records_;
  size_t pos_ = 0;
  size_t end_ = 0;
  // The kernel events of one record (a fork, mappings, the access) or of one trace event.
  std::vector<Event> pending_;
  size_t pending_pos_ = 0;
  // The pid of the last record and its process, and the last region seen whole-mapped for code
  // and for data: they spare most lookups. Any trace event clears them.
  uint32_t last_pid_ = 0;
  uint32_t process_ = 0;
  bool stale_ = false;
  std::array<uint64_t, 2> last_region_{~uint64_t{0}, ~uint64_t{0}};
  uint64_t skipped_ = 0;
};

}  // namespace memvirt
