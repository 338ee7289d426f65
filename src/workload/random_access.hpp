#pragma once
// Uniformly random 8-byte accesses over the working set: the worst case for every cache and TLB
// once the working set outgrows them.
#include <cstdint>
#include <span>

#include "workload/rng.hpp"
#include "workload/spec.hpp"
#include "workload/workload.hpp"

namespace memvirt {

// One kMmap of the working set, then `steps` accesses, each a store with probability `write`.
class RandomAccess final : public Workload {
 public:
  RandomAccess(const RandomSpec& spec, const WorkloadContext& ctx);
  size_t next(std::span<Event> out) override;

 private:
  RandomSpec spec_;
  PageSize page_;
  Rng rng_;
  uint64_t words_;
  uint64_t done_ = 0;
  bool mapped_;
};

}  // namespace memvirt
