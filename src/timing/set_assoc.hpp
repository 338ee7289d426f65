#pragma once
// One set-associative array, the shape of every cache-like part of the model: TLBs,
// paging-structure caches, the nested TLB and the data caches differ only in their entries, keys
// and sizes. `Entry` needs a `bool valid`; the caller decides what matches.
#include <bit>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "timing/replacement.hpp"

namespace memvirt {

struct SetAssocGeometry {
  uint32_t sets = 1;
  uint32_t ways = 1;
  ReplacementKind replacement = ReplacementKind::kLru;
  uint64_t entries() const { return uint64_t{sets} * ways; }
};

template <typename Entry>
class SetAssoc {
 public:
  SetAssoc(const SetAssocGeometry& g, const std::string& what)
      : sets_(g.sets), ways_(g.ways),
        set_mask_(std::has_single_bit(g.sets) ? g.sets - 1 : 0),
        repl_(checked(g, what).replacement, g.sets, g.ways), entries_(g.entries()) {}

  uint32_t sets() const { return sets_; }
  uint32_t ways() const { return ways_; }
  // Every preset has power-of-two sets; the modulo stays for hand-made geometries.
  uint64_t set_of(uint64_t key) const { return set_mask_ ? key & set_mask_ : key % sets_; }

  // Starts pulling `set` and its replacement state into the host's caches, so that the probes
  // of several levels (or of the next access) overlap their misses.
  void prefetch(uint64_t set) const {
    __builtin_prefetch(&entries_[set * ways_]);
    repl_.prefetch(set);
  }

  // The valid entry of `set` that `match` accepts, marked as used; nullptr if none.
  template <typename Match>
  Entry* find(uint64_t set, Match&& match) {
    Entry* s = &entries_[set * ways_];
    for (uint32_t w = 0; w < ways_; ++w)
      if (s[w].valid && match(s[w])) {
        repl_.touch(set, w);
        return &s[w];
      }
    return nullptr;
  }

  // The entry to overwrite in `set`: one `same` accepts (a refill replaces it in place), else an
  // invalid one, else the policy's victim (`evicted` set). It is marked as used.
  template <typename Match>
  Entry& slot(uint64_t set, Match&& same, bool& evicted) {
    Entry* s = &entries_[set * ways_];
    uint32_t way = ways_;
    for (uint32_t w = 0; w < ways_ && way == ways_; ++w)
      if (s[w].valid && same(s[w])) way = w;
    for (uint32_t w = 0; w < ways_ && way == ways_; ++w)
      if (!s[w].valid) way = w;
    evicted = way == ways_;
    if (evicted) way = repl_.victim(set);
    repl_.touch(set, way);
    return s[way];
  }

  // Drops the valid entries of `set` that `pred` accepts; returns how many.
  template <typename Pred>
  uint64_t invalidate_in(uint64_t set, Pred&& pred) {
    uint64_t n = 0;
    Entry* s = &entries_[set * ways_];
    for (uint32_t w = 0; w < ways_; ++w)
      if (s[w].valid && pred(s[w])) {
        s[w].valid = false;
        ++n;
      }
    return n;
  }

  // Drops every valid entry `pred` accepts; returns how many.
  template <typename Pred>
  uint64_t invalidate_if(Pred&& pred) {
    uint64_t n = 0;
    for (Entry& e : entries_)
      if (e.valid && pred(e)) {
        e.valid = false;
        ++n;
      }
    return n;
  }

  std::span<const Entry> entries() const { return entries_; }

 private:
  static const SetAssocGeometry& checked(const SetAssocGeometry& g, const std::string& what) {
    if (g.sets == 0 || g.ways == 0)
      throw std::invalid_argument(what + " needs at least one set and one way");
    return g;
  }

  uint32_t sets_;
  uint32_t ways_;
  uint64_t set_mask_;  // sets - 1 when a power of two (1 set: 0, and key % 1 is 0 too)
  Replacement repl_;
  std::vector<Entry> entries_;
};

}  // namespace memvirt
