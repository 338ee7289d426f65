// .mvt version 2: address-space events stored beside the records come back in order, between
// the same records, through every batch size and after a seek; damaged events fail at their
// byte; a writer without events still writes version 1.
#include <gtest/gtest.h>

#include <sstream>

#include "support/trace_samples.hpp"
#include "workload/rng.hpp"
#include "workload/trace/mvt_format.hpp"
#include "workload/trace/mvt_reader.hpp"
#include "workload/trace/mvt_writer.hpp"

namespace memvirt {
namespace {

using test::error_offset;
using test::read_all;
using test::read_items;
using test::reader_over;
using test::TraceItem;

SpaceEvent mmap_event(uint32_t pid, uint64_t addr, uint64_t length) {
  return {SpaceEventKind::kMmap, pid, 0, addr, length, 0, 0, 3, 0x22};
}

// One event of every kind, each with the fields its kind uses.
std::vector<SpaceEvent> every_kind() {
  return {
      mmap_event(7, 0x7f0000000000, 0x21000),
      {SpaceEventKind::kMunmap, 7, 0, 0x7f0000001000, 0x1000},
      {SpaceEventKind::kMprotect, 7, 0, 0x7f0000002000, 0x3000, 0, 0, 1},
      {SpaceEventKind::kMremap, 7, 0, 0x7f1000000000, 0x40000, 0x7f0000010000, 0x11000, 0, 1},
      {SpaceEventKind::kBrk, 7, 0, 0x5555557a0000, 0, 0x555555779000},
      {SpaceEventKind::kMadvise, 7, 0, 0x7f0000004000, 0x2000, 0, 0, 0, 4},
      {SpaceEventKind::kFork, 7, 8},
      {SpaceEventKind::kThread, 8, 9},
      {SpaceEventKind::kExec, 8},
      {SpaceEventKind::kExit, 8, 9},
      {SpaceEventKind::kExit, 8},
  };
}

// Records with events between them (also several in a row, first and last), as items.
std::vector<TraceItem> mixed_items(size_t records, uint64_t seed) {
  Rng rng(seed);
  const std::vector<SpaceEvent> kinds = every_kind();
  std::vector<TraceItem> items;
  for (size_t i = 0; i < records; ++i) {
    while (rng.next_below(20) == 0) items.emplace_back(kinds[rng.next_below(kinds.size())]);
    items.emplace_back(TraceRecord{0x400000 + 8 * rng.next_below(1 << 20), 7, 8,
                                   static_cast<TraceKind>(rng.next_below(3))});
  }
  items.emplace_back(kinds.back());
  return items;
}

std::string encode(const std::vector<TraceItem>& items, uint32_t block_records = 65536) {
  std::ostringstream out;
  MvtWriter w(out, MvtWriterOptions{.pids = true, .events = true});
  w.set_block_records(block_records);
  for (const TraceItem& item : items) {
    if (const auto* r = std::get_if<TraceRecord>(&item)) w.write(*r);
    else w.write_event(std::get<SpaceEvent>(item));
  }
  w.finish();
  return std::move(out).str();
}

TEST(TraceMvtEvents, EveryKindRoundTripsBetweenTheSameRecords) {
  const auto items = mixed_items(5000, 11);
  for (uint32_t block : {65536u, 100u, 1u}) {
    const std::string bytes = encode(items, block);
    for (size_t batch : {1000u, 7u, 1u}) {
      auto r = reader_over<MvtReader>(bytes);
      EXPECT_EQ(r->version(), 2u);
      EXPECT_EQ(read_items(*r, batch), items) << block << " " << batch;
    }
  }
}

TEST(TraceMvtEvents, ARecorderDeliversThroughTheTraceSink) {
  const auto items = mixed_items(300, 5);
  std::ostringstream out;
  MvtWriter writer(out, MvtWriterOptions{.pids = true, .events = true});
  TraceSink& sink = writer;
  for (const TraceItem& item : items) {
    if (const auto* r = std::get_if<TraceRecord>(&item)) sink.record(*r);
    else sink.event(std::get<SpaceEvent>(item));
  }
  writer.finish();
  const std::string bytes = std::move(out).str();
  EXPECT_EQ(bytes, encode(items));
  EXPECT_EQ(read_items(*reader_over<MvtReader>(bytes)), items);
}

TEST(TraceMvtEvents, EventsAloneMakeABlockWithoutRecords) {
  const std::vector<TraceItem> items{TraceItem(every_kind()[6]), TraceItem(every_kind()[0])};
  const std::string bytes = encode(items);
  EXPECT_EQ(read_items(*reader_over<MvtReader>(bytes)), items);
  EXPECT_EQ(reader_over<MvtReader>(bytes)->total_records(), 0u);
}

TEST(TraceMvtEvents, WriterWithoutEventsWritesVersionOne) {
  std::ostringstream out;
  MvtWriter w(out, false);
  w.write({0x1000, 0, 8, TraceKind::kRead});
  EXPECT_THROW(w.write_event(every_kind()[0]), std::logic_error);
  w.finish();
  const std::string bytes = std::move(out).str();
  EXPECT_EQ(mvt::load_le<uint16_t>(reinterpret_cast<const uint8_t*>(bytes.data()) + 8), 1);
  EXPECT_EQ(reader_over<MvtReader>(bytes)->version(), 1u);
}

TEST(TraceMvtEvents, AnEventWithAFieldItsKindDoesNotUseIsRefused) {
  std::ostringstream out;
  MvtWriter w(out, MvtWriterOptions{.events = true});
  SpaceEvent e{SpaceEventKind::kMunmap, 1, 0, 0x1000, 0x1000, 0, 0, 3};  // a prot on munmap
  EXPECT_THROW(w.write_event(e), std::invalid_argument);
}

TEST(TraceMvtEvents, SeekDeliversTheEventsJustBeforeTheRecord) {
  std::vector<TraceItem> items;
  for (uint64_t i = 0; i < 300; ++i) {
    if (i % 10 == 0) items.emplace_back(mmap_event(1, 0x10000 * (i + 1), 0x1000));
    items.emplace_back(TraceRecord{0x1000 * i, 1, 8, TraceKind::kRead});
  }
  const std::string bytes = encode(items, 64);
  auto r = reader_over<MvtReader>(bytes);
  r->seek_record(130);  // record 130 follows the event of i = 130
  const auto rest = read_items(*r);
  ASSERT_FALSE(rest.empty());
  EXPECT_EQ(rest.front(), items[130 + 13]);
  r->seek_record(131);
  EXPECT_EQ(read_items(*r).front(), TraceItem(TraceRecord{0x1000 * 131, 1, 8, TraceKind::kRead}));
}

// The events part of a block decoded on its own: damage inside the zstd frame fails at the
// event byte that is wrong.
size_t event_failure(const std::vector<uint8_t>& bytes, uint32_t count, uint32_t records,
                     std::string* message) {
  std::vector<mvt::BlockEvent> out;
  try {
    mvt::decode_events(bytes.data(), bytes.size(), count, records, out);
  } catch (const mvt::DecodeFailure& e) {
    *message = e.message;
    return e.position;
  }
  return ~size_t{0};
}

TEST(TraceMvtEvents, DamagedEventsFailAtTheirByte) {
  std::vector<uint8_t> good;
  mvt::encode_event(mmap_event(1, 0x1000, 0x2000), 3, good);
  mvt::encode_event({SpaceEventKind::kExit, 1}, 5, good);
  std::string message;
  std::vector<mvt::BlockEvent> out;
  mvt::decode_events(good.data(), good.size(), 2, 5, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].position, 5u);
  const size_t second = good.size() - 10;  // an exit event: position, kind, fields, pid
  std::vector<uint8_t> kind = good;
  kind[4] = 10;
  EXPECT_EQ(event_failure(kind, 2, 5, &message), 4u);
  EXPECT_EQ(message, "unknown event kind 10");
  std::vector<uint8_t> fields = good;
  fields[second + 5] = 0x20;  // a prot on an exit
  EXPECT_EQ(event_failure(fields, 2, 5, &message), second + 5);
  EXPECT_EQ(message, "event fields 32 not used by a exit event");
  EXPECT_EQ(event_failure(good, 2, 4, &message), second);  // position beyond the records
  std::vector<uint8_t> order = good;
  order[second] = 2;  // before the first event
  EXPECT_EQ(event_failure(order, 2, 5, &message), second);
  std::vector<uint8_t> zero = good;
  std::fill_n(zero.begin() + 10, 8, uint8_t{0});  // the mmap's addr, marked present, is 0
  EXPECT_EQ(event_failure(zero, 2, 5, &message), 5u);
  EXPECT_EQ(event_failure({good.begin(), good.end() - 1}, 2, 5, &message), second + 6);
  EXPECT_EQ(message, "truncated event: expected its pid");
}

TEST(TraceMvtEvents, DamagedEventBlocksFailAtTheirByte) {
  const std::string good = encode(mixed_items(50, 3));
  // An MVB2 tag in a version 1 file.
  std::string v1 = good;
  v1[8] = 1;
  std::string message;
  const size_t block = 32;  // the first block follows the 32-byte header
  ASSERT_EQ(good.substr(block, 4), "MVB2");
  EXPECT_EQ(error_offset<MvtReader>(v1, &message), static_cast<int64_t>(block));
  EXPECT_NE(message.find("event block (MVB2) in a version 1 file"), std::string::npos) << message;
  // No events in an event block, and more event bytes than its events can take.
  std::string none = good;
  mvt::store_le<uint32_t>(reinterpret_cast<uint8_t*>(none.data()) + block + 16, 0);
  EXPECT_EQ(error_offset<MvtReader>(none, &message), static_cast<int64_t>(block + 16));
  std::string big = good;
  mvt::store_le<uint32_t>(reinterpret_cast<uint8_t*>(big.data()) + block + 20, 1u << 30);
  EXPECT_EQ(error_offset<MvtReader>(big, &message), static_cast<int64_t>(block + 20));
  // An event count that disagrees with the event bytes is caught when the events decode.
  std::string fewer = good;
  const uint32_t events = mvt::load_le<uint32_t>(reinterpret_cast<const uint8_t*>(good.data()) + block + 16);
  mvt::store_le<uint32_t>(reinterpret_cast<uint8_t*>(fewer.data()) + block + 16, events - 1);
  EXPECT_EQ(error_offset<MvtReader>(fewer, &message), static_cast<int64_t>(block));
  EXPECT_NE(message.find("of its decompressed events: expected the end of the events"),
            std::string::npos)
      << message;
}

}  // namespace
}  // namespace memvirt
