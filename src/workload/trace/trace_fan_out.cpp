#include "workload/trace/trace_fan_out.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace memvirt {

struct TraceFanOut::Queue {
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::shared_ptr<const Chunk>> chunks;
  bool ended = false;      // the recorder is done: no chunk comes after those queued
  bool abandoned = false;  // the reader is gone: chunks are no longer queued
  std::atomic<uint64_t> taken{0};  // records the reader has handed out
};

namespace {

using Queue = TraceFanOut::Queue;
using Chunk = TraceFanOut::Chunk;

class LiveTraceReader final : public TraceReader {
 public:
  explicit LiveTraceReader(std::shared_ptr<Queue> queue) : queue_(std::move(queue)) {}
  ~LiveTraceReader() override {
    const std::lock_guard lock(queue_->mutex);
    queue_->abandoned = true;
    queue_->chunks.clear();
    queue_->changed.notify_all();
  }
  LiveTraceReader(const LiveTraceReader&) = delete;
  LiveTraceReader& operator=(const LiveTraceReader&) = delete;

  size_t read(std::span<TraceRecord> out) override {
    if (!current() || at_event()) return 0;
    const size_t stop = next_event_ < chunk_->events.size() ? chunk_->events[next_event_].first
                                                            : chunk_->records.size();
    const size_t n = std::min(out.size(), stop - pos_);
    std::copy_n(chunk_->records.begin() + static_cast<std::ptrdiff_t>(pos_), n, out.begin());
    pos_ += n;
    queue_->taken.fetch_add(n, std::memory_order_relaxed);
    return n;
  }

  std::optional<SpaceEvent> take_event() override {
    if (!current() || !at_event()) return std::nullopt;
    return chunk_->events[next_event_++].second;
  }

 private:
  bool at_event() const {
    return next_event_ < chunk_->events.size() && chunk_->events[next_event_].first == pos_;
  }
  bool used_up() const {
    return pos_ == chunk_->records.size() && next_event_ == chunk_->events.size();
  }
  // A chunk with something left in it, waiting for the recorder if need be; false at the end.
  bool current() {
    while (!chunk_ || used_up()) {
      std::unique_lock lock(queue_->mutex);
      queue_->changed.wait(lock, [&] { return !queue_->chunks.empty() || queue_->ended; });
      if (queue_->chunks.empty()) return false;
      chunk_ = std::move(queue_->chunks.front());
      queue_->chunks.pop_front();
      queue_->changed.notify_all();  // the recorder may wait for room
      pos_ = 0;
      next_event_ = 0;
    }
    return true;
  }

  std::shared_ptr<Queue> queue_;
  std::shared_ptr<const Chunk> chunk_;
  size_t pos_ = 0;
  size_t next_event_ = 0;
};

}  // namespace

TraceFanOut::TraceFanOut(size_t readers, Limits limits)
    : limits_(limits), taken_(readers, false), chunk_(std::make_shared<Chunk>()) {
  if (readers == 0 || limits.chunk_records == 0 || limits.queue_chunks == 0)
    throw std::invalid_argument("TraceFanOut: readers, chunk and queue sizes must be positive");
  for (size_t i = 0; i < readers; ++i) queues_.push_back(std::make_shared<Queue>());
  chunk_->records.reserve(limits_.chunk_records);
}

TraceFanOut::~TraceFanOut() {
  // Readers that outlive the fan-out see their trace end rather than wait for ever.
  for (const auto& q : queues_) {
    const std::lock_guard lock(q->mutex);
    q->ended = true;
    q->changed.notify_all();
  }
}

std::unique_ptr<TraceReader> TraceFanOut::take_reader(size_t i) {
  if (i >= queues_.size() || taken_[i])
    throw std::logic_error("TraceFanOut: each reader is taken once");
  taken_[i] = true;
  return std::make_unique<LiveTraceReader>(queues_[i]);
}

uint64_t TraceFanOut::taken(size_t i) const {
  return queues_.at(i)->taken.load(std::memory_order_relaxed);
}

void TraceFanOut::record(const TraceRecord& r) {
  chunk_->records.push_back(r);
  records_.fetch_add(1, std::memory_order_relaxed);
  if (chunk_->records.size() == limits_.chunk_records) send();
}

void TraceFanOut::event(const SpaceEvent& e) {
  chunk_->events.emplace_back(chunk_->records.size(), e);
}

void TraceFanOut::send() {
  if (finished_) throw std::logic_error("TraceFanOut: a record after finish()");
  std::shared_ptr<const Chunk> full = std::move(chunk_);
  for (const auto& q : queues_) {
    std::unique_lock lock(q->mutex);
    q->changed.wait(lock, [&] { return q->abandoned || q->chunks.size() < limits_.queue_chunks; });
    if (!q->abandoned) q->chunks.push_back(full);
    q->changed.notify_all();
  }
  chunk_ = std::make_shared<Chunk>();
  chunk_->records.reserve(limits_.chunk_records);
}

void TraceFanOut::finish() {
  if (finished_) return;
  if (!chunk_->records.empty() || !chunk_->events.empty()) send();
  finished_ = true;
  for (const auto& q : queues_) {
    const std::lock_guard lock(q->mutex);
    q->ended = true;
    q->changed.notify_all();
  }
}

}  // namespace memvirt
