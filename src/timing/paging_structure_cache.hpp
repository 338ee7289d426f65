#pragma once
// Paging-structure caches (Intel's PML4E/PDPTE/PDE caches; AMD's page directory cache plays the
// same part): per level, entries keyed by the address prefix that selects an upper-level entry,
// holding the next table's address and the permissions gathered so far. A walk that hits one
// starts below it and reads only the remaining levels. The same class serves the nested
// dimension, keyed by guest-physical address.
#include <array>
#include <cstdint>
#include <optional>

#include "arch/counter_list.hpp"
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
  uint64_t pde_hits = 0;    // walks that started below a cached PDE (read only the PTE)
  uint64_t pdpte_hits = 0;  // below a cached PDPTE
  uint64_t pml4e_hits = 0;  // below a cached PML4E
  uint64_t pml5e_hits = 0;  // below a cached PML5E (5-level paging)
  uint64_t misses = 0;      // walks that found nothing and started at the root
};

constexpr auto counter_list(const PscStats*) {
  using C = Counter<PscStats>;
  constexpr auto k = CounterKind::kCount;
  return std::array{
      C{"pde_hits", k, "walks", "walks that started below a cached PDE", &PscStats::pde_hits},
      C{"pdpte_hits", k, "walks", "walks that started below a cached PDPTE", &PscStats::pdpte_hits},
      C{"pml4e_hits", k, "walks", "walks that started below a cached PML4E", &PscStats::pml4e_hits},
      C{"pml5e_hits", k, "walks", "walks that started below a cached PML5E", &PscStats::pml5e_hits},
      C{"misses", k, "walks", "walks that found no cached entry and started at the root",
        &PscStats::misses},
  };
}

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
