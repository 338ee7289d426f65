#pragma once
// A shell starting one short-lived program after another: fork, exec, a little work, exit. Each
// fork copies and write-protects the shell's tables, each exec and exit tears an address space
// down, and the shell pays a copy-on-write fault when it next writes.
#include <cstdint>
#include <span>

#include "workload/spec.hpp"
#include "workload/workload.hpp"

namespace memvirt {

// Pages are `ws` rounded up to whole pages; both regions are at kWorkloadRegionBase, since
// after exec the child's address space is empty. Set-up: process 0 maps the shell region and
// writes the first byte of each of its pages. Then `n` cycles, cycle c being:
//   kFork 0 -> 1, kSwitch 1, kExec 1, kMmap of the child's region in 1, a kWrite to every page
//   of it, kExit 1, kSwitch 0, and a kWrite by 0 to shell page c mod pages.
// Every child is pid 1, free again once its predecessor has exited.
class ForkExec final : public Workload {
 public:
  ForkExec(const ForkExecSpec& spec, const WorkloadContext& ctx);
  size_t next(std::span<Event> out) override;

 private:
  Event setup_event(uint64_t index) const;
  Event cycle_event(uint64_t offset) const;

  uint64_t cycles_;
  PageSize page_;
  uint64_t region_bytes_;
  uint64_t pages_;
  uint64_t cycle_length_;
  uint64_t setup_done_ = 0;  // set-up events emitted
  uint64_t cycle_ = 0;
  uint64_t offset_ = 0;  // the next event of the cycle
};

}  // namespace memvirt
