#pragma once
// Paging-structure caches (Intel's PML4E/PDPTE/PDE caches; AMD's page directory cache plays the
// same part): per level, entries keyed by the address prefix that selects an upper-level entry,
// holding the next table's address and the permissions gathered so far. A walk that hits one
// starts below it and reads only the remaining levels. The same class serves the nested
// dimension, keyed by guest-physical address.
#include <array>
#include <cstdint>
#include <optional>

#include "timing/set_assoc.hpp"

namespace memvirt {

// Index L: the cache of level-L entries (2 = PDE ... 5 = PML5E); zero ways: none at that level.
struct PscConfig {
  std::array<SetAssocGeometry, 6> level{
      SetAssocGeometry{0, 0}, SetAssocGeometry{0, 0}, SetAssocGeometry{0, 0},
      SetAssocGeometry{0, 0}, SetAssocGeometry{0, 0}, SetAssocGeometry{0, 0}};
};

struct PscHit {
  int next_level = 0;   // the level the walk continues at
  uint64_t table = 0;   // address of that level's table
  uint8_t perm = 0;     // the walker's permission bits, gathered over the skipped levels
};

struct PscStats {
  std::array<uint64_t, 6> hits{};  // per level of the entry that hit
  uint64_t misses = 0;             // walks that found nothing and started at the root
};

class PagingStructureCache {
 public:
  explicit PagingStructureCache(const PscConfig& config);

  // The deepest cached upper-level entry for `addr` in the tree at `root` (tagged `tag`).
  std::optional<PscHit> lookup(uint64_t root, uint32_t tag, uint64_t addr, int levels);
  // Records that the level-`level` entry for `addr` points at `table`.
  void fill(uint64_t root, uint32_t tag, uint64_t addr, int level, uint64_t table,
            uint8_t perm);
  void flush();
  const PscStats& stats() const { return stats_; }

 private:
  // Stored under the address prefix.
  struct Entry {
    uint64_t root = 0;
    uint32_t tag = 0;
    uint64_t table = 0;
    uint8_t perm = 0;
  };
  static uint64_t prefix(uint64_t addr, int level) { return addr >> (12 + 9 * (level - 1)); }

  std::array<std::optional<SetAssoc<Entry>>, 6> caches_;
  PscStats stats_;
};

}  // namespace memvirt
