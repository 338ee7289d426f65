#include "workload/random_access.hpp"

#include <stdexcept>

#include "workload/region.hpp"

namespace memvirt {

RandomAccess::RandomAccess(const RandomSpec& spec, const WorkloadContext& ctx)
    : spec_(spec), page_(ctx.page), rng_(ctx.seed), words_(spec.ws / 8), mapped_(ctx.premapped) {
  // parse_workload_spec() rejects this; a spec built in code may not have been parsed.
  if (words_ == 0) throw std::invalid_argument("random: ws is smaller than one 8-byte word");
}

size_t RandomAccess::next(std::span<Event> out) {
  size_t count = 0;
  if (!mapped_ && count < out.size()) {
    out[count++] = region_mmap_event(spec_.ws, page_);
    mapped_ = true;
  }
  for (; count < out.size() && done_ < spec_.steps; ++count, ++done_) {
    const uint64_t offset = 8 * rng_.next_below(words_);
    // Drawn for every access, so that specs differing only in `write` touch the same addresses.
    const bool store = rng_.next_unit() < spec_.write;
    out[count] = access_event(store ? EventKind::kWrite : EventKind::kRead, offset);
  }
  return count;
}

}  // namespace memvirt
