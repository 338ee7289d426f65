#pragma once
// One live trace for several simulations at once: what a recorder delivers is cut into chunks,
// and every chunk goes to the bounded queue of each reader. The recorder waits while any queue is
// full, so memory stays bounded whatever the program's length and nothing is dropped; the wait
// reaches the traced program through its pipe. A reader sees exactly the records and events
// the recorder delivered, in its order, as a trace file of them would give them.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "workload/trace/space_event.hpp"
#include "workload/trace/trace_reader.hpp"

namespace memvirt {

class TraceFanOut final : public TraceSink {
 public:
  struct Limits {
    size_t chunk_records = size_t{1} << 15;  // records a chunk holds before it is sent
    size_t queue_chunks = 8;                 // chunks a reader may have waiting
  };
  TraceFanOut(size_t readers, Limits limits);
  explicit TraceFanOut(size_t readers) : TraceFanOut(readers, Limits{}) {}
  ~TraceFanOut() override;
  TraceFanOut(const TraceFanOut&) = delete;
  TraceFanOut& operator=(const TraceFanOut&) = delete;

  void record(const TraceRecord& r) override;
  void event(const SpaceEvent& e) override;
  // Sends what is left and ends every reader's trace there; called once the recorder is done
  // (or was stopped). Recording after it is a logic error.
  void finish();

  // Reader i (0 <= i < readers), to be taken once. A reader may outlive the fan-out. When a
  // reader is destroyed before the end (its simulation failed), its queue stops taking chunks,
  // so that the recorder does not wait for it.
  std::unique_ptr<TraceReader> take_reader(size_t i);

  uint64_t records() const { return records_.load(std::memory_order_relaxed); }  // delivered
  uint64_t taken(size_t i) const;                 // handed out so far by reader i (any thread)

  struct Chunk {
    std::vector<TraceRecord> records;
    // Each event comes before records[position]; positions do not decrease.
    std::vector<std::pair<size_t, SpaceEvent>> events;
  };
  struct Queue;  // one reader's, shared with it

 private:
  void send();

  Limits limits_;
  std::vector<std::shared_ptr<Queue>> queues_;
  std::vector<bool> taken_;
  std::shared_ptr<Chunk> chunk_;
  std::atomic<uint64_t> records_{0};  // read by a progress display's thread
  bool finished_ = false;
};

}  // namespace memvirt
