#pragma once
// A workload's memory image, written by the VMM into guest memory or by the native runner into a
// host mapping, in exactly the simulator's layout and order (workload/listwalk.hpp,
// workload/random_access.hpp), plus the checksum the probe must then report.
#include <cstdint>
#include <span>

#include "workload/listwalk.hpp"
#include "workload/spec.hpp"

namespace memvirt {

// Writes each element's `n` (its first word): element e points to `base` + offset_of(successor
// of e), where `base` is the address at which the walking code sees memory[0]. Returns the
// address of the element visited at step 0.
uint64_t write_list_chain(std::span<uint8_t> memory, uint64_t base, const ListWalkLayout& layout);

// The pointer the walk holds after `steps` steps from the start: the probe's checksum.
uint64_t list_chain_end(uint64_t base, const ListWalkLayout& layout, uint64_t steps);

// Word i of the first `words` words holds i (the random-access probe's memory invariant).
void write_word_indices(std::span<uint8_t> memory, uint64_t words);

// The sum of the words the random-access probe reads, given write_word_indices().
uint64_t random_access_sum(const RandomSpec& spec, uint64_t seed);

}  // namespace memvirt
