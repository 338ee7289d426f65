#include "timing/data_caches.hpp"

#include <algorithm>
#include <string>

namespace memvirt {
namespace {

constexpr unsigned kLinesPerFrameShift = 6;  // 64 lines in a 4 KiB frame
// The largest stride followed, in lines: a quarter of a 4 KiB page, as far as the stride
// detectors of current cores are documented to reach within a page.
constexpr uint64_t kMaxPrefetchStride = 16;
// How far the L2 streamer runs ahead of a dense stream, in lines: far enough that the memory
// channel, not the latency, sets the pace of a stream from memory, as one core's stream bandwidth
// shows on current machines (7 cycles a line against 570 cycles of latency, for one, needs 80
// lines on their way). It stands for all a core's dense-stream prefetchers together.
constexpr uint64_t kStreamLines = 128;

// A 64-bit mixer (the finalizer of MurmurHash3): neighbouring frame numbers get unrelated colours.
uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

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

// The simulator hands frames out in order; a kernel that has run a while hands them out from
// all over memory, so the page colours of a mapping's 4 KiB frames are random and some sets of
// an L2 or LLC get more of its lines than they have ways. Hashing the frame number into the
// index bits above the page offset gives each 4 KiB frame such a colour, seeded and fixed. The
// lines of a frame keep their order within it, and a huge page stays contiguous, as it is.
uint64_t DataCaches::index_of(uint64_t line, PageSize frame) const {
  if (!config_.scattered_frames || frame != PageSize::k4K) return line;
  const uint64_t frame_number = line >> kLinesPerFrameShift;
  return line ^ (mix(frame_number ^ config_.placement_seed) << kLinesPerFrameShift);
}

size_t DataCaches::probe(uint64_t line, uint64_t index) {
  for (size_t i = 0; i < levels_.size(); ++i) {
    auto& l = levels_[i];
    if (l.find(l.set_of(index), line)) return i;
  }
  return levels_.size();
}

// Installs `line` in the levels from `top` down to just above `below`.
void DataCaches::fill(uint64_t line, uint64_t index, size_t below, size_t top) {
  for (size_t i = top; i < below; ++i) {
    auto& l = levels_[i];
    bool evicted = false;
    l.slot(l.set_of(index), line, evicted);
  }
}

uint64_t DataCaches::book_channel(uint64_t now) {
  const uint64_t start = std::max(now, channel_free_);
  channel_free_ = start + config_.memory_line_cycles;
  return start;
}

DataCaches::Inflight* DataCaches::find_inflight(uint64_t line, uint64_t now) {
  // Once every prefetch has arrived, none can make a load wait: no need to look.
  if (inflight_live_ == 0 || now >= latest_ready_) return nullptr;
  for (Inflight& f : inflight_)
    if (f.line == line) return &f;
  return nullptr;
}

uint64_t DataCaches::arrival(uint64_t line, uint64_t now) {
  Inflight* f = find_inflight(line, now);
  if (!f) return now;
  f->line = kNoLine;
  --inflight_live_;
  return std::max(f->ready, now);
}

void DataCaches::track(uint64_t line, uint64_t ready, uint64_t now) {
  if (Inflight* f = find_inflight(line, now)) {  // on its way to a lower level: no sooner than that
    f->ready = std::max(f->ready, ready);
  } else {
    if (inflight_live_ && now >= latest_ready_) {  // all arrived: forget them at once
      inflight_.fill({});
      inflight_live_ = 0;
    }
    Inflight& slot = inflight_[inflight_next_];
    inflight_next_ = (inflight_next_ + 1) % inflight_.size();
    if (slot.line == kNoLine) ++inflight_live_;
    slot = {line, ready};
  }
  latest_ready_ = std::max(latest_ready_, ready);
}

void DataCaches::prefetch_line(uint64_t line, size_t top, const CacheLoad& l) {
  const uint64_t index = index_of(line, l.frame);
  const size_t at = probe(line, index);
  if (at <= top) return;  // there already (or on its way there)
  fill(line, index, at, top);
  ++stats_.prefetches;
  const uint64_t ready =
      at < levels_.size()
          ? l.now + config_.levels[at].latency
          : (config_.memory_line_cycles ? book_channel(l.now) : l.now) + config_.memory_latency;
  track(line, ready, l.now);
}

// Two prefetchers follow a demand stream seen to ascend, as current cores have them. The L1
// stride prefetcher fetches the next prefetch_degree elements of a stream of one line, or of a
// stride of a few lines once two steps in a row took it (e.g. a list of 128-byte elements read
// one line each). The L2 streamer runs further ahead of a dense stream, into L2 and below. Each
// line arrives when the level that had it delivers: a prefetch hides the latency only if it is
// far enough ahead. They run over host-physical lines and cross 4 KiB boundaries, standing for
// the next-page prefetchers (the simulator's frames of one mapping are in order, so physical
// and virtual streams coincide). Lines that come from memory take the channel.
void DataCaches::prefetch(uint64_t line, const CacheLoad& l) {
  // No stride before the first demand line (the sentinel is not a line).
  const uint64_t stride = last_line_ == kNoDemandLine ? 0 : line - last_line_;
  const uint64_t previous = last_stride_;
  last_stride_ = stride;
  if (config_.prefetch_degree == 0) return;
  if (stride != 1 && (stride != previous || stride > kMaxPrefetchStride)) return;
  for (uint64_t d = 1; d <= config_.prefetch_degree; ++d) prefetch_line(line + d * stride, 0, l);
  if (stride != 1 || levels_.size() < 2) return;
  // The streamer asks for each line once: a stream it is already ahead of only moves its head.
  const uint64_t from = line + config_.prefetch_degree + 1;
  const bool ahead =
      stream_head_ != kNoLine && stream_head_ >= line && stream_head_ < line + kStreamLines;
  for (uint64_t next = ahead ? std::max(from, stream_head_ + 1) : from; next <= line + kStreamLines;
       ++next)
    prefetch_line(next, 1, l);
  stream_head_ = line + kStreamLines;
}

uint64_t DataCaches::load(const CacheLoad& l) {
  const uint64_t line = l.addr.raw() >> kLineShift;
  const uint64_t index = index_of(line, l.frame);
  // Each level's set is a host-memory miss of its own when the simulated caches are large: ask
  // for all of them at once so that the misses overlap.
  prefetch_index(index);
  const size_t at = probe(line, index);
  fill(line, index, at);
  uint64_t cycles;
  if (at < levels_.size()) {
    ++stats_.hits[at];
    const uint64_t latency = config_.levels[at].latency;
    const uint64_t wait = arrival(line, l.now) - l.now;  // a prefetch of it still on its way
    stats_.stall_cycles += wait > latency ? wait - latency : 0;
    cycles = std::max(latency, wait);
  } else {
    ++stats_.memory;
    // Queued behind what the channel still has to deliver.
    const uint64_t wait = config_.memory_line_cycles ? book_channel(l.now) - l.now : 0;
    stats_.stall_cycles += wait;
    cycles = config_.memory_latency + wait;
  }
  if (l.demand && line != last_line_) {
    prefetch(line, l);
    last_line_ = line;
  }
  return cycles;
}

}  // namespace memvirt
