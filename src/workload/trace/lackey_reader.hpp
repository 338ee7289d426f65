#pragma once
// Reads the text Valgrind's lackey tool writes with --trace-mem=yes:
//   I  04020b40,3      instruction fetch of 3 bytes
//    L 1ffefffc28,8    load
//    S 1ffefffc28,8    store
//    M 1ffefffc28,8    modify: a load and a store of the same bytes, delivered as two records
// Valgrind's own lines ("==123== ...", "--123-- ...") are skipped. Lackey knows no process ids:
// every record has pid 0.
#include <memory>
#include <optional>

#include "workload/trace/byte_source.hpp"
#include "workload/trace/line_source.hpp"
#include "workload/trace/trace_reader.hpp"

namespace memvirt {

class LackeyReader final : public TraceReader {
 public:
  explicit LackeyReader(std::unique_ptr<ByteSource> source);
  size_t read(std::span<TraceRecord> out) override;

  // A lackey record is far shorter; a longer line is not lackey output.
  static constexpr size_t kMaxLine = 256;

 private:
  // Parses one line into up to two records; returns how many.
  unsigned parse(std::string_view line, uint64_t offset, TraceRecord (&out)[2]) const;

  LineSource lines_;
  std::optional<TraceRecord> pending_;  // the store half of an M line that did not fit
};

}  // namespace memvirt
