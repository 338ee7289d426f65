#include "workload/listwalk.hpp"

#include <cassert>
#include <stdexcept>

#include "workload/region.hpp"

namespace memvirt {

ListWalkLayout::ListWalkLayout(const ListWalkSpec& spec, uint64_t seed)
    : elements_(spec.ws / (8 * (uint64_t{1} + spec.npad))),
      element_bytes_(8 * (uint64_t{1} + spec.npad)),
      random_(spec.order == ListWalkSpec::Order::kRandom),
      order_(elements_, seed) {
  // parse_workload_spec() rejects this; a spec built in code may not have been parsed.
  if (elements_ == 0) throw std::invalid_argument("listwalk: ws is smaller than one element");
}

uint64_t ListWalkLayout::element_at_step(uint64_t k) const {
  if (k >= elements_) k %= elements_;
  return random_ ? order_(k) : k;
}

uint64_t ListWalkLayout::successor(uint64_t element) const {
  assert(element < elements_);
  const uint64_t k = random_ ? order_.inverse(element) : element;
  return element_at_step(k + 1 == elements_ ? 0 : k + 1);
}

ListWalk::ListWalk(const ListWalkSpec& spec, const WorkloadContext& ctx)
    : layout_(spec, ctx.seed), ws_(spec.ws), page_(ctx.page), steps_(spec.steps),
      mapped_(ctx.premapped) {}

size_t ListWalk::next(std::span<Event> out) {
  size_t count = 0;
  if (!mapped_ && count < out.size()) {
    out[count++] = region_mmap_event(ws_, page_);
    mapped_ = true;
  }
  for (; count < out.size() && done_ < steps_; ++count, ++done_) {
    const uint64_t element = layout_.element_at_step(position_);
    out[count] = access_event(EventKind::kRead, layout_.offset_of(element));
    if (++position_ == layout_.elements()) position_ = 0;
  }
  return count;
}

}  // namespace memvirt
