// The fan-out that feeds a live trace to several simulations: every reader sees exactly the
// records and events delivered, in order and with each event in its place, whatever the chunk
// and queue sizes; the recorder waits for a slow reader but not for one that is gone.
#include <gtest/gtest.h>

#include <optional>
#include <thread>
#include <vector>

#include "workload/trace/trace_fan_out.hpp"

namespace memvirt {
namespace {

// What a reader gave: the records, and each event with the count of records before it.
struct Seen {
  std::vector<TraceRecord> records;
  std::vector<std::pair<size_t, SpaceEvent>> events;
  friend bool operator==(const Seen&, const Seen&) = default;
};

Seen drain(TraceReader& reader, size_t batch) {
  Seen s;
  std::vector<TraceRecord> buf(batch);
  for (;;) {
    const size_t n = reader.read(buf);
    s.records.insert(s.records.end(), buf.begin(), buf.begin() + static_cast<long>(n));
    if (n) continue;
    const std::optional<SpaceEvent> e = reader.take_event();
    if (!e) return s;
    s.events.emplace_back(s.records.size(), *e);
  }
}

// 50 records with events before the first, after the 7th, two after the 20th, and at the end.
Seen script() {
  Seen s;
  auto ev = [](uint64_t addr) { return SpaceEvent{.kind = SpaceEventKind::kMmap, .addr = addr}; };
  s.events = {{0, ev(1)}, {7, ev(2)}, {20, ev(3)}, {20, ev(4)}, {50, ev(5)}};
  for (uint64_t i = 0; i < 50; ++i)
    s.records.push_back({.addr = 0x1000 + 8 * i, .pid = static_cast<uint32_t>(i % 3)});
  return s;
}

void deliver(const Seen& s, TraceSink& sink) {
  size_t e = 0;
  for (size_t i = 0; i <= s.records.size(); ++i) {
    while (e < s.events.size() && s.events[e].first == i) sink.event(s.events[e++].second);
    if (i < s.records.size()) sink.record(s.records[i]);
  }
}

TEST(TraceFanOut, EveryReaderSeesTheStreamAsDelivered) {
  const Seen want = script();
  for (size_t chunk : {1, 3, 7, 64}) {
    for (size_t batch : {1, 5, 4096}) {
      SCOPED_TRACE(testing::Message() << "chunk " << chunk << ", batch " << batch);
      TraceFanOut fan(3, {.chunk_records = chunk, .queue_chunks = 2});
      std::vector<Seen> seen(3);
      std::vector<std::thread> readers;
      for (size_t i = 0; i < 3; ++i)
        readers.emplace_back([&, i, r = fan.take_reader(i)] { seen[i] = drain(*r, batch); });
      deliver(want, fan);
      fan.finish();
      for (std::thread& t : readers) t.join();
      for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(seen[i], want) << "reader " << i;
        EXPECT_EQ(fan.taken(i), want.records.size());
      }
      EXPECT_EQ(fan.records(), want.records.size());
    }
  }
}

TEST(TraceFanOut, AReaderThatIsGoneDoesNotHoldTheRecorderUp) {
  const Seen want = script();
  TraceFanOut fan(2, {.chunk_records = 2, .queue_chunks = 1});
  std::unique_ptr<TraceReader> kept = fan.take_reader(0);
  fan.take_reader(1).reset();  // its simulation failed at once
  Seen seen;
  std::thread reader([&] { seen = drain(*kept, 4); });
  deliver(want, fan);  // 25 chunks through a queue of one: only the kept reader's pace counts
  fan.finish();
  reader.join();
  EXPECT_EQ(seen, want);
}

TEST(TraceFanOut, EachReaderIsTakenOnce) {
  TraceFanOut fan(1);
  (void)fan.take_reader(0);
  EXPECT_THROW((void)fan.take_reader(0), std::logic_error);
  EXPECT_THROW((void)fan.take_reader(1), std::logic_error);
  EXPECT_THROW(TraceFanOut(0), std::invalid_argument);
}

TEST(TraceFanOut, AReaderThatOutlivesTheFanOutSeesTheEnd) {
  std::unique_ptr<TraceReader> reader;
  {
    TraceFanOut fan(1);
    reader = fan.take_reader(0);
    fan.record({.addr = 0x42});
  }  // destroyed without finish(): the chunk in the making was not sent
  const Seen seen = drain(*reader, 8);
  EXPECT_TRUE(seen.records.empty());
  EXPECT_TRUE(seen.events.empty());
}

}  // namespace
}  // namespace memvirt
