#pragma once
// Copies a trace of any format into .mvt as it reads it: one batch of records in memory, so a
// trace of any length converts in fixed memory.
#include <cstdint>
#include <ostream>

#include "workload/trace/trace_reader.hpp"

namespace memvirt {

struct ConvertOptions {
  bool pids = false;    // the input's records carry process ids
  bool events = false;  // the input may carry address-space events: write version 2
};

struct ConvertResult {
  uint64_t records = 0;
  uint64_t events = 0;
};

// Writes every record (and event) of `in` to `out` as a finished .mvt file. Throws TraceError
// on corrupt input, std::ios_base::failure if `out` fails; `out` then holds an unfinished file
// that the caller must discard.
ConvertResult convert_trace(TraceReader& in, std::ostream& out, const ConvertOptions& options);

}  // namespace memvirt
