#pragma once
// The data cache hierarchy (L1D, L2, LLC) over host-physical 64-byte lines, with a next-line
// stream prefetcher. Page-table references go through it like ordinary loads, so walks and data
// compete for the same lines. An access costs the load-to-use latency of the level that served it.
#include <cstdint>
#include <vector>

#include "arch/address.hpp"
#include "timing/set_assoc.hpp"

namespace memvirt {

struct CacheLevelConfig {
  uint64_t size_bytes = 32 * 1024;
  uint32_t ways = 8;
  uint32_t latency = 4;  // load-to-use cycles when this level serves the load
};

struct DataCacheConfig {
  std::vector<CacheLevelConfig> levels;  // L1D first
  uint32_t memory_latency = 300;         // cycles when no level holds the line
  ReplacementKind replacement = ReplacementKind::kLru;
  // Lines fetched ahead of an ascending stream within one 4 KiB page (0: no prefetcher).
  uint32_t prefetch_degree = 0;
};

struct DataCacheStats {
  std::vector<uint64_t> hits;  // per level
  uint64_t memory = 0;         // loads no level held
  uint64_t prefetches = 0;     // lines brought in ahead of use
};

class DataCaches {
 public:
  explicit DataCaches(const DataCacheConfig& config);

  // Loads the line holding `addr`; returns the cycles until the value is usable. Only demand
  // loads of data (not page-walk references) train the prefetcher.
  uint32_t load(HostPhys addr, bool demand = true);
  // Starts bringing the sets `addr` maps to into the host's caches (no simulated effect).
  void prefetch_sets(HostPhys addr) const {
    const uint64_t line = addr.raw() >> 6;
    for (const auto& l : levels_) l.prefetch(l.set_of(line));
  }
  const DataCacheStats& stats() const { return stats_; }

 private:
  // A cached line is its key alone: a 16-way set of the LLC is two host cache lines.
  struct Line {};
  // Level that holds `line` (levels_.size(): none); touches it there.
  size_t probe(uint64_t line);
  void fill(uint64_t line, size_t below);
  void prefetch(uint64_t line);

  DataCacheConfig config_;
  std::vector<SetAssoc<Line>> levels_;
  uint64_t last_line_ = ~uint64_t{0} - 1;  // no line follows it
  DataCacheStats stats_;
};

}  // namespace memvirt
