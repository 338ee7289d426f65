#pragma once
// Drepper's list walk ("What every programmer should know about memory", 3.3.2): elements
// `struct l { l* n; long pad[NPAD]; }` laid out contiguously, each access following `n`.
#include <cstdint>
#include <span>

#include "workload/permutation.hpp"
#include "workload/spec.hpp"
#include "workload/workload.hpp"

namespace memvirt {

// Which element follows which. The simulator's walk and the native runner that builds the real
// chain in memory both take the order from here, so they visit the same addresses.
//   seq:    element i points to i+1, the last to 0.
//   random: one cycle through all elements, P(0) -> P(1) -> ... -> P(n-1) -> P(0), with P a
//           Permutation(n, seed); step k visits P(k mod n).
class ListWalkLayout {
 public:
  ListWalkLayout(const ListWalkSpec& spec, uint64_t seed);

  uint64_t elements() const { return elements_; }
  uint64_t element_bytes() const { return element_bytes_; }
  uint64_t offset_of(uint64_t element) const { return element * element_bytes_; }
  // The element visited at step k (step 0 is the first access).
  uint64_t element_at_step(uint64_t k) const;
  // The element that `element`'s n points to.
  uint64_t successor(uint64_t element) const;

 private:
  uint64_t elements_;
  uint64_t element_bytes_;
  bool random_;
  Permutation order_;
};

// One kMmap of the working set, then `steps` reads of the n pointer of each visited element.
class ListWalk final : public Workload {
 public:
  ListWalk(const ListWalkSpec& spec, const WorkloadContext& ctx);
  size_t next(std::span<Event> out) override;

 private:
  ListWalkLayout layout_;
  uint64_t ws_;
  PageSize page_;
  uint64_t steps_;
  uint64_t done_ = 0;      // accesses emitted
  uint64_t position_ = 0;  // done_ mod elements, kept to avoid a division per access
  bool mapped_;
};

}  // namespace memvirt
