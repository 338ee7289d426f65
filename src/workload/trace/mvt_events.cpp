#include "workload/trace/mvt_events.hpp"

#include <stdexcept>
#include <string>

#include "workload/trace/mvt_format.hpp"

namespace memvirt::mvt {
namespace {

enum Field : uint8_t {
  kChild = 1,
  kAddr = 2,
  kLength = 4,
  kOldAddr = 8,
  kOldLength = 16,
  kProt = 32,
  kFlags = 64,
};

// Reads fixed-width fields with one bounds check each; the events are few.
class Cursor {
 public:
  Cursor(const uint8_t* raw, size_t bytes) : raw_(raw), p_(raw), end_(raw + bytes) {}
  template <typename T>
  T take(const char* what) {
    if (static_cast<size_t>(end_ - p_) < sizeof(T))
      throw DecodeFailure{offset(), std::string("truncated event: expected its ") + what};
    const T v = load_le<T>(p_);
    p_ += sizeof(T);
    return v;
  }
  size_t offset() const { return static_cast<size_t>(p_ - raw_); }
  bool at_end() const { return p_ == end_; }

 private:
  const uint8_t* raw_;
  const uint8_t* p_;
  const uint8_t* end_;
};

template <typename T>
void put(std::vector<uint8_t>& out, T v) {
  const size_t at = out.size();
  out.resize(at + sizeof(T));
  store_le<T>(out.data() + at, v);
}

uint8_t present_fields(const SpaceEvent& e) {
  return static_cast<uint8_t>((e.child ? kChild : 0) | (e.addr ? kAddr : 0) |
                              (e.length ? kLength : 0) | (e.old_addr ? kOldAddr : 0) |
                              (e.old_length ? kOldLength : 0) | (e.prot ? kProt : 0) |
                              (e.flags ? kFlags : 0));
}

}  // namespace

uint8_t event_fields(SpaceEventKind kind) {
  switch (kind) {
    case SpaceEventKind::kMmap:
      return kAddr | kLength | kProt | kFlags;
    case SpaceEventKind::kMunmap:
      return kAddr | kLength;
    case SpaceEventKind::kMprotect:
      return kAddr | kLength | kProt;
    case SpaceEventKind::kMremap:
      return kAddr | kLength | kOldAddr | kOldLength | kFlags;
    case SpaceEventKind::kBrk:
      return kAddr | kOldAddr;
    case SpaceEventKind::kMadvise:
      return kAddr | kLength | kFlags;
    case SpaceEventKind::kFork:
    case SpaceEventKind::kThread:
    case SpaceEventKind::kExit:
      return kChild;
    case SpaceEventKind::kExec:
      return 0;
  }
  return 0;
}

void encode_event(const SpaceEvent& e, uint32_t position, std::vector<uint8_t>& out) {
  if (static_cast<unsigned>(e.kind) >= kSpaceEventKinds)
    throw std::invalid_argument("mvt: unknown event kind " +
                                std::to_string(static_cast<unsigned>(e.kind)));
  const uint8_t fields = present_fields(e);
  if ((fields & ~event_fields(e.kind)) != 0)
    throw std::invalid_argument(std::string("mvt: a ") + space_event_name(e.kind) +
                                " event with a field its kind does not use");
  put<uint32_t>(out, position);
  out.push_back(static_cast<uint8_t>(e.kind));
  out.push_back(fields);
  put<uint32_t>(out, e.pid);
  if (fields & kChild) put<uint32_t>(out, e.child);
  if (fields & kAddr) put<uint64_t>(out, e.addr);
  if (fields & kLength) put<uint64_t>(out, e.length);
  if (fields & kOldAddr) put<uint64_t>(out, e.old_addr);
  if (fields & kOldLength) put<uint64_t>(out, e.old_length);
  if (fields & kProt) put<uint32_t>(out, e.prot);
  if (fields & kFlags) put<uint32_t>(out, e.flags);
}

namespace {

BlockEvent decode_event(Cursor& in, uint32_t after, uint32_t records) {
  BlockEvent b;
  const size_t at = in.offset();
  b.position = in.take<uint32_t>("position");
  if (b.position < after || b.position > records)
    throw DecodeFailure{at, "event position " + std::to_string(b.position) + " (expected " +
                                std::to_string(after) + " to " + std::to_string(records) + ")"};
  const uint8_t kind = in.take<uint8_t>("kind");
  if (kind >= kSpaceEventKinds)
    throw DecodeFailure{at + 4, "unknown event kind " + std::to_string(kind)};
  SpaceEvent& e = b.event;
  e.kind = static_cast<SpaceEventKind>(kind);
  const uint8_t fields = in.take<uint8_t>("fields");
  if ((fields & ~event_fields(e.kind)) != 0)
    throw DecodeFailure{at + 5, "event fields " + std::to_string(fields) + " not used by a " +
                                    space_event_name(e.kind) + " event"};
  e.pid = in.take<uint32_t>("pid");
  if (fields & kChild) e.child = in.take<uint32_t>("child");
  if (fields & kAddr) e.addr = in.take<uint64_t>("addr");
  if (fields & kLength) e.length = in.take<uint64_t>("length");
  if (fields & kOldAddr) e.old_addr = in.take<uint64_t>("old_addr");
  if (fields & kOldLength) e.old_length = in.take<uint64_t>("old_length");
  if (fields & kProt) e.prot = in.take<uint32_t>("prot");
  if (fields & kFlags) e.flags = in.take<uint32_t>("flags");
  if (present_fields(e) != fields)  // one encoding per event: a present field is non-zero
    throw DecodeFailure{at + 5, "an event field marked present is zero"};
  return b;
}

}  // namespace

void decode_events(const uint8_t* raw, size_t bytes, uint32_t count, uint32_t records,
                   std::vector<BlockEvent>& out) {
  out.clear();
  Cursor in(raw, bytes);
  uint32_t after = 0;
  for (uint32_t i = 0; i < count; ++i) {
    out.push_back(decode_event(in, after, records));
    after = out.back().position;
  }
  if (!in.at_end())
    throw DecodeFailure{in.offset(), "expected the end of the events after " +
                                         std::to_string(count) + ", found more bytes"};
}

}  // namespace memvirt::mvt
