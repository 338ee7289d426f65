#pragma once
// The data cache hierarchy (L1D, L2, LLC) over host-physical 64-byte lines, with a stride
// prefetcher into L1, a stream prefetcher into L2 and a memory channel of bounded bandwidth. Page-table references go through
// it like ordinary loads, so walks and data compete for the same lines. An access costs the
// load-to-use latency of the level that served it, or the wait for a prefetched line still on
// its way, if that is longer.
#include <array>
#include <cstdint>
#include <vector>

#include "arch/address.hpp"
#include "arch/page_size.hpp"
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
  // Cycles the memory channel is busy per line it delivers: 64 B over the bandwidth one core
  // gets (0: unlimited). A stream the prefetcher runs ahead of waits for it.
  uint32_t memory_line_cycles = 0;
  ReplacementKind replacement = ReplacementKind::kLru;
  // Strides fetched into L1 ahead of an ascending stream of lines (0: no prefetchers).
  uint32_t prefetch_degree = 0;
  // 4 KiB frames placed as a long-running kernel leaves them: each on a seeded random page
  // colour of the physically indexed caches (not a preset figure: the machine's placement).
  bool scattered_frames = false;
  uint64_t placement_seed = 0;
};

struct DataCacheStats {
  std::vector<uint64_t> hits;  // per level
  uint64_t memory = 0;         // loads no level held
  uint64_t prefetches = 0;     // lines brought in ahead of use
  uint64_t stall_cycles = 0;   // waiting for the memory channel and for prefetches on their way

  DataCacheStats& operator+=(const DataCacheStats& o) {
    if (hits.size() < o.hits.size()) hits.resize(o.hits.size(), 0);
    for (size_t i = 0; i < o.hits.size(); ++i) hits[i] += o.hits[i];
    memory += o.memory;
    prefetches += o.prefetches;
    stall_cycles += o.stall_cycles;
    return *this;
  }
  // `o` is an earlier reading of the same caches: it has no more levels than this one.
  DataCacheStats& operator-=(const DataCacheStats& o) {
    for (size_t i = 0; i < o.hits.size() && i < hits.size(); ++i) hits[i] -= o.hits[i];
    memory -= o.memory;
    prefetches -= o.prefetches;
    stall_cycles -= o.stall_cycles;
    return *this;
  }
};

// One load: where, when, and from what kind of frame.
struct CacheLoad {
  HostPhys addr;
  uint64_t now = 0;                // cycle the load issues at (the memory channel's clock)
  PageSize frame = PageSize::k4K;  // the contiguous frame holding it (a TLB entry's size)
  bool demand = true;              // only demand loads of data train the prefetcher
};

class DataCaches {
 public:
  explicit DataCaches(const DataCacheConfig& config);

  // Loads the line; returns the cycles until the value is usable.
  uint64_t load(const CacheLoad& l);
  uint64_t load(HostPhys addr, bool demand = true) { return load({addr, 0, PageSize::k4K, demand}); }
  // Starts bringing the sets `addr` maps to into the host's caches (no simulated effect).
  void prefetch_sets(HostPhys addr, PageSize frame = PageSize::k4K) const {
    prefetch_index(index_of(addr.raw() >> kLineShift, frame));
  }
  const DataCacheStats& stats() const { return stats_; }

 private:
  // A cached line is its key alone: a 16-way set of the LLC is two host cache lines.
  struct Line {};
  static constexpr unsigned kLineShift = 6;
  static constexpr uint64_t kNoLine = ~uint64_t{0};
  // A line the prefetcher asked the memory channel for, and when it arrives.
  struct Inflight {
    uint64_t line = kNoLine;
    uint64_t ready = 0;
  };

  // What selects `line`'s set (the line itself unless its 4 KiB frame is scattered).
  uint64_t index_of(uint64_t line, PageSize frame) const;
  // Starts pulling the sets `index` selects in every level into the host's caches.
  void prefetch_index(uint64_t index) const {
    for (const auto& l : levels_) l.prefetch(l.set_of(index));
  }
  // Level that holds `line` (levels_.size(): none); touches it there.
  size_t probe(uint64_t line, uint64_t index);
  // Installs `line` in the levels from `top` down to just above `below` (the level that had it).
  void fill(uint64_t line, uint64_t index, size_t below, size_t top = 0);
  void prefetch(uint64_t line, const CacheLoad& l);
  // Brings `line` into level `top` and every level below it that lacks it, arriving when the
  // level that had it (or memory) delivers.
  void prefetch_line(uint64_t line, size_t top, const CacheLoad& l);
  // Books one line on the memory channel from `now`; returns when the channel starts on it (it
  // is delivered memory_line_cycles later).
  uint64_t book_channel(uint64_t now);
  // The entry of `line` if it may still be on its way at `now`.
  Inflight* find_inflight(uint64_t line, uint64_t now);
  // Notes that `line` arrives at `ready` (no sooner than an earlier prefetch of it).
  void track(uint64_t line, uint64_t ready, uint64_t now);
  // When a load at `now` of `line` has it, if it is still on its way (and forgets it).
  uint64_t arrival(uint64_t line, uint64_t now);

  DataCacheConfig config_;
  std::vector<SetAssoc<Line>> levels_;
  static constexpr uint64_t kNoDemandLine = ~uint64_t{0} - 1;  // no line follows it
  uint64_t last_line_ = kNoDemandLine;
  uint64_t last_stride_ = 0;               // lines from the demand line before last_line_
  uint64_t stream_head_ = kNoLine;          // the furthest line the streamer asked for
  uint64_t channel_free_ = 0;              // cycle the memory channel is next idle
  std::array<Inflight, 32> inflight_{};    // most recent prefetches, until their demand load
  size_t inflight_next_ = 0;
  uint32_t inflight_live_ = 0;
  uint64_t latest_ready_ = 0;  // when the last of them arrives
  DataCacheStats stats_;
};

}  // namespace memvirt
