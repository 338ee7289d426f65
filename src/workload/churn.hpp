#pragma once
// Page-table-update storms: regions mapped, written page by page and unmapped again, over and
// over, in several processes in turn. Almost every access is a first touch, so the cost is in
// demand faults, page-table writes, table allocation and freeing, and TLB invalidation.
#include <cstdint>
#include <span>

#include "workload/spec.hpp"
#include "workload/workload.hpp"

namespace memvirt {

// First, process 0 forks processes 1..procs-1 (before it maps anything, so they inherit
// nothing). Then `steps` rounds; in each, every process p in turn takes one turn:
//   kSwitch to p (left out when p is already running: the very first turn, or procs=1),
//   `maps` kMmap of size rounded up to pages, region i at process_slot(p) + i * churn_stride(),
//   one kWrite to the first byte of every page of region 0, then of region 1, ...,
//   `maps` kMunmap of the same regions, in the same order.
class Churn final : public Workload {
 public:
  Churn(const ChurnSpec& spec, const WorkloadContext& ctx);
  size_t next(std::span<Event> out) override;

 private:
  // Event `offset` of process pid_'s turn; offset 0 is the switch.
  Event turn_event(uint64_t offset) const;
  uint64_t region_addr(uint64_t index) const { return slot_ + index * stride_; }
  void start_turn();

  ChurnSpec spec_;
  PageSize page_;
  uint64_t region_bytes_;  // size rounded up to whole pages
  uint64_t pages_;         // per region
  uint64_t stride_;
  uint64_t turn_length_;  // events in a turn, the switch included
  uint32_t forked_ = 0;   // children forked so far
  uint64_t step_ = 0;
  uint32_t pid_ = 0;     // whose turn it is
  uint64_t slot_;        // process_slot(pid_)
  uint64_t offset_ = 1;  // the next event of the turn; the first turn needs no switch
};

}  // namespace memvirt
