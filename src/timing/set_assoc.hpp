#pragma once
// One set-associative array, the shape of every cache-like part of the model: TLBs,
// paging-structure caches, the nested TLB and the data caches differ only in their entries, keys
// and sizes. Each way holds a 64-bit key (what selects it: page number, line, prefix) and an `Entry` with
// whatever else the caller matches on or reads.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "memory/huge_page_allocator.hpp"
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
  // The key no stored entry may have: it marks an empty way.
  static constexpr uint64_t kEmpty = ~uint64_t{0};

  SetAssoc(const SetAssocGeometry& g, const std::string& what)
      : sets_(g.sets), ways_(g.ways),
        set_mask_(std::has_single_bit(g.sets) ? g.sets - 1 : 0),
        repl_(checked(g, what).replacement, g.sets, g.ways), keys_(g.entries(), kEmpty),
        entries_(g.entries()) {}

  uint32_t sets() const { return sets_; }
  uint32_t ways() const { return ways_; }
  // Every preset has power-of-two sets; the modulo stays for hand-made geometries.
  uint64_t set_of(uint64_t key) const { return set_mask_ ? key & set_mask_ : key % sets_; }

  // Starts pulling `set` and its replacement state into the host's caches, so that the probes
  // of several levels (or of the next access) overlap their misses.
  void prefetch(uint64_t set) const {
    __builtin_prefetch(&keys_[set * ways_]);
    repl_.prefetch(set);
  }

  // The entry of `set` stored under `key` that `match` also accepts (keys need not be unique:
  // a TLB holds one page for several tags), marked as used; nullptr if none. The keys are
  // scanned apart from the entries so that a fully associative structure is one short array.
  template <typename Match>
  Entry* find(uint64_t set, uint64_t key, Match&& match) {
    const uint64_t* k = &keys_[set * ways_];
    Entry* s = &entries_[set * ways_];
    for (uint32_t w = 0; w < ways_; ++w)
      if (k[w] == key && match(s[w])) {
        repl_.touch(set, w);
        return &s[w];
      }
    return nullptr;
  }
  Entry* find(uint64_t set, uint64_t key) {
    return find(set, key, [](const Entry&) { return true; });
  }

  // The entry to overwrite with `key` in `set`: one stored under `key` that `same` accepts (a
  // refill replaces it in place), else an empty way, else the policy's victim (`evicted` set).
  // It is marked as used and stored under `key`; the caller writes the rest.
  template <typename Match>
  Entry& slot(uint64_t set, uint64_t key, Match&& same, bool& evicted) {
    uint64_t* k = &keys_[set * ways_];
    Entry* s = &entries_[set * ways_];
    uint32_t way = ways_;
    uint32_t empty = ways_;
    for (uint32_t w = 0; w < ways_; ++w) {
      if (k[w] == key && same(s[w])) {
        way = w;
        break;
      }
      if (k[w] == kEmpty && empty == ways_) empty = w;
    }
    if (way == ways_) way = empty;
    evicted = way == ways_;
    if (evicted) way = repl_.victim(set);
    repl_.touch(set, way);
    k[way] = key;
    return s[way];
  }
  Entry& slot(uint64_t set, uint64_t key, bool& evicted) {
    return slot(set, key, [](const Entry&) { return true; }, evicted);
  }

  // Empties the ways of `set` whose entry `pred` accepts; returns how many.
  template <typename Pred>
  uint64_t invalidate_in(uint64_t set, Pred&& pred) {
    uint64_t n = 0;
    uint64_t* k = &keys_[set * ways_];
    Entry* s = &entries_[set * ways_];
    for (uint32_t w = 0; w < ways_; ++w)
      if (k[w] != kEmpty && pred(s[w])) {
        k[w] = kEmpty;
        ++n;
      }
    return n;
  }

  // Empties every way whose entry `pred` accepts; returns how many.
  template <typename Pred>
  uint64_t invalidate_if(Pred&& pred) {
    uint64_t n = 0;
    for (size_t i = 0; i < keys_.size(); ++i)
      if (keys_[i] != kEmpty && pred(entries_[i])) {
        keys_[i] = kEmpty;
        ++n;
      }
    return n;
  }
  void clear() { std::fill(keys_.begin(), keys_.end(), kEmpty); }

  // Ways holding an entry.
  uint64_t occupied() const {
    return static_cast<uint64_t>(std::count_if(keys_.begin(), keys_.end(),
                                               [](uint64_t k) { return k != kEmpty; }));
  }

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
  std::vector<uint64_t, HugePageAllocator<uint64_t>> keys_;  // per way; kEmpty: no entry
  std::vector<Entry> entries_;
};

}  // namespace memvirt
