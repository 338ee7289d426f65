#include "workload/trace/space_map.hpp"

#include <algorithm>
#include <cassert>

namespace memvirt {

const Span* SpaceMap::find(uint64_t va) const {
  auto it = spans_.upper_bound(va);
  if (it == spans_.begin()) return nullptr;
  --it;
  return va < it->second.end ? &it->second : nullptr;
}

bool SpaceMap::covers(uint64_t va) const { return find(va) != nullptr; }

bool SpaceMap::overlaps(uint64_t start, uint64_t end) const {
  if (find(start)) return true;
  auto it = spans_.lower_bound(start);
  return it != spans_.end() && it->first < end;
}

void SpaceMap::add(const Span& span) {
  assert(span.start < span.end && !overlaps(span.start, span.end));
  spans_.emplace(span.start, span);
}

void SpaceMap::split(uint64_t at) {
  const Span* s = find(at);
  if (!s || s->start == at) return;
  Span upper = *s;
  upper.start = at;
  spans_.at(s->start).end = at;
  spans_.emplace(at, upper);
}

void SpaceMap::remove(uint64_t start, uint64_t end) {
  split(start);
  split(end);
  spans_.erase(spans_.lower_bound(start), spans_.lower_bound(end));
}

void SpaceMap::protect(uint64_t start, uint64_t end, uint8_t prot) {
  split(start);
  split(end);
  for (auto it = spans_.lower_bound(start); it != spans_.end() && it->first < end; ++it)
    it->second.prot = prot;
}

std::pair<uint64_t, uint64_t> SpaceMap::round_out(uint64_t start, uint64_t end) const {
  if (const Span* s = find(start)) start -= (start - s->start) % page_bytes(s->page);
  if (const Span* s = find(end - 1)) {
    const uint64_t into = (end - s->start) % page_bytes(s->page);
    if (into != 0) end += page_bytes(s->page) - into;
  }
  return {start, end};
}

std::vector<Span> SpaceMap::pieces(uint64_t start, uint64_t end) const {
  std::vector<Span> out;
  auto it = spans_.upper_bound(start);
  if (it != spans_.begin() && std::prev(it)->second.end > start) --it;
  for (; it != spans_.end() && it->first < end; ++it) {
    Span piece = it->second;
    piece.start = std::max(piece.start, start);
    piece.end = std::min(piece.end, end);
    out.push_back(piece);
  }
  return out;
}

std::vector<std::pair<uint64_t, uint64_t>> SpaceMap::gaps(uint64_t start, uint64_t end) const {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  uint64_t at = start;
  for (const Span& piece : pieces(start, end)) {
    if (piece.start > at) out.emplace_back(at, piece.start);
    at = piece.end;
  }
  if (at < end) out.emplace_back(at, end);
  return out;
}

}  // namespace memvirt
