#include "timing/data_caches.hpp"

#include <string>

namespace memvirt {
namespace {

constexpr unsigned kLineShift = 6;

}  // namespace

DataCaches::DataCaches(const DataCacheConfig& config) : config_(config) {
  for (size_t i = 0; i < config.levels.size(); ++i) {
    const CacheLevelConfig& c = config.levels[i];
    const uint64_t lines = c.size_bytes >> kLineShift;
    const uint32_t sets = c.ways ? static_cast<uint32_t>(lines / c.ways) : 0;
    levels_.emplace_back(SetAssocGeometry{sets, c.ways, config.replacement},
                         "data cache level " + std::to_string(i + 1));
  }
  stats_.hits.assign(levels_.size(), 0);
}

size_t DataCaches::probe(uint64_t line) {
  for (size_t i = 0; i < levels_.size(); ++i) {
    auto& l = levels_[i];
    if (l.find(l.set_of(line), line)) return i;
  }
  return levels_.size();
}

// Installs `line` in every level above `below` (the level that had it, or memory).
void DataCaches::fill(uint64_t line, size_t below) {
  for (size_t i = 0; i < below; ++i) {
    auto& l = levels_[i];
    bool evicted = false;
    l.slot(l.set_of(line), line, evicted);
  }
}

// A demand stream seen to ascend (this line follows the last one) pulls the next lines into every
// level. It runs over host-physical lines and crosses 4 KiB boundaries, standing for the
// next-page prefetchers of current cores (the simulator hands out frames of one mapping mostly
// in order, so physical and virtual streams coincide).
void DataCaches::prefetch(uint64_t line) {
  if (config_.prefetch_degree == 0 || line != last_line_ + 1) return;
  for (uint64_t d = 1; d <= config_.prefetch_degree; ++d) {
    const uint64_t next = line + d;
    const size_t at = probe(next);
    if (at > 0) {
      fill(next, at);
      ++stats_.prefetches;
    }
  }
}

uint32_t DataCaches::load(HostPhys addr, bool demand) {
  const uint64_t line = addr.raw() >> kLineShift;
  // Each level's set is a host-memory miss of its own when the simulated caches are large: ask
  // for all of them at once so that the misses overlap.
  prefetch_sets(addr);
  const size_t at = probe(line);
  fill(line, at);
  const uint32_t cycles =
      at < levels_.size() ? config_.levels[at].latency : config_.memory_latency;
  if (at < levels_.size())
    ++stats_.hits[at];
  else
    ++stats_.memory;
  if (demand && line != last_line_) {
    prefetch(line);
    last_line_ = line;
  }
  return cycles;
}

}  // namespace memvirt
