#include "kvm/workload_image.hpp"

#include <cstring>
#include <stdexcept>

#include "workload/rng.hpp"

namespace memvirt {
namespace {

void put_word(std::span<uint8_t> memory, uint64_t offset, uint64_t value) {
  std::memcpy(memory.data() + offset, &value, sizeof value);
}

}  // namespace

uint64_t write_list_chain(std::span<uint8_t> memory, uint64_t base, const ListWalkLayout& layout) {
  const uint64_t n = layout.elements();
  if (n * layout.element_bytes() > memory.size()) {
    throw std::invalid_argument("list walk does not fit the memory given to it");
  }
  // Walking the steps in order links each element to the next one visited: the same links as
  // successor(), with one permutation evaluation per element instead of an inverse.
  const uint64_t first = layout.element_at_step(0);
  uint64_t current = first;
  for (uint64_t k = 1; k <= n; ++k) {
    const uint64_t next = k == n ? first : layout.element_at_step(k);
    put_word(memory, layout.offset_of(current), base + layout.offset_of(next));
    current = next;
  }
  return base + layout.offset_of(first);
}

uint64_t list_chain_end(uint64_t base, const ListWalkLayout& layout, uint64_t steps) {
  return base + layout.offset_of(layout.element_at_step(steps));
}

void write_word_indices(std::span<uint8_t> memory, uint64_t words) {
  if (words * 8 > memory.size()) throw std::invalid_argument("random access: memory too small");
  for (uint64_t i = 0; i < words; ++i) put_word(memory, 8 * i, i);
}

uint64_t random_access_sum(const RandomSpec& spec, uint64_t seed) {
  Rng rng(seed);
  const uint64_t words = spec.ws / 8;
  uint64_t sum = 0;
  for (uint64_t i = 0; i < spec.steps; ++i) {
    const uint64_t word = rng.next_below(words);
    if (!(rng.next_unit() < spec.write)) sum += word;
  }
  return sum;
}

}  // namespace memvirt
