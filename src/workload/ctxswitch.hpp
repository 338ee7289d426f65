#pragma once
// Processes taking turns on one CPU, each with private memory and memory shared with the others:
// what a context switch costs in TLB and paging-structure-cache refills, and how the shared
// frames appear in every process's tables (and, under shadow paging, in every shadow tree).
#include <cstdint>
#include <span>

#include "workload/rng.hpp"
#include "workload/spec.hpp"
#include "workload/workload.hpp"

namespace memvirt {

// Set-up: process 0 forks processes 1..procs-1; then each process p, in order, maps its `ws`
// private bytes at process_slot(p) and, unless shared=0, the `shared` bytes as shared-memory
// object 1 at kSharedRegionAddr (sizes rounded up to whole pages).
// Then `steps` accesses in turns of `quantum`, process 0 first, round-robin, with a kSwitch
// before every turn but the first (none with procs=1). Each access draws, from one Rng of the
// seed, an 8-byte word uniformly from the process's private words and the shared words taken
// together, then whether it is a store (probability `write`) -- both draws for every access,
// so that specs differing only in `write` touch the same addresses.
class CtxSwitch final : public Workload {
 public:
  CtxSwitch(const CtxSwitchSpec& spec, const WorkloadContext& ctx);
  size_t next(std::span<Event> out) override;

 private:
  Event setup_event(uint64_t index) const;
  Event access();
  void start_turn();

  CtxSwitchSpec spec_;
  PageSize page_;
  Rng rng_;
  uint64_t private_words_;
  uint64_t words_;           // private and shared
  uint64_t setup_length_;    // forks and mmaps
  uint64_t setup_done_ = 0;  // set-up events emitted
  uint64_t done_ = 0;        // accesses emitted
  uint64_t in_turn_ = 0;     // accesses emitted in this turn
  uint32_t pid_ = 0;         // whose turn it is
};

}  // namespace memvirt
