#pragma once
// One memory reference of a recorded program, as every trace reader delivers it.
#include <cstdint>

namespace memvirt {

enum class TraceKind : uint8_t { kRead = 0, kWrite = 1, kExecute = 2 };
inline constexpr unsigned kTraceKinds = 3;

struct TraceRecord {
  uint64_t addr = 0;
  uint32_t pid = 0;   // 0 when the trace does not say
  uint16_t size = 0;  // bytes referenced; 0 when the trace does not say (ChampSim)
  TraceKind kind = TraceKind::kRead;

  friend bool operator==(const TraceRecord&, const TraceRecord&) = default;
};

const char* trace_kind_name(TraceKind kind);  // "read", "write", "execute"

}  // namespace memvirt
