#pragma once
// Opens a trace file of any supported format, told or detected.
#include <memory>
#include <string>

#include "workload/spec.hpp"
#include "workload/trace/trace_reader.hpp"

namespace memvirt {

// With TraceSpec::Format::kAuto the format comes from the first bytes (the .mvt magic, the xz
// magic of a compressed ChampSim trace, lackey's text) or else from the name (.mvt, .champsim,
// .champsimtrace, .lackey); a ChampSim trace whose file name contains "cloudsuite" is read as
// the CloudSuite variant. ChampSim traces may be xz-compressed whatever the format given.
// Throws std::system_error if the file cannot be opened, TraceError if its bytes are wrong.
std::unique_ptr<TraceReader> open_trace(const std::string& path, TraceSpec::Format format);

// The format open_trace() would use for this file; never kAuto. Throws TraceError.
TraceSpec::Format detect_trace_format(const std::string& path);

}  // namespace memvirt
