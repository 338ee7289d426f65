#include "workload/trace/trace_record.hpp"

#include <string>

#include "text/message_quote.hpp"
#include "workload/trace/trace_error.hpp"

namespace memvirt {

const char* trace_kind_name(TraceKind kind) {
  switch (kind) {
    case TraceKind::kRead:
      return "read";
    case TraceKind::kWrite:
      return "write";
    case TraceKind::kExecute:
      return "execute";
  }
  return "?";
}

TraceError::TraceError(const std::string& source, uint64_t offset, const std::string& message)
    : std::runtime_error(message_escape(source, kMessagePathLimit) + ": byte " +
                         std::to_string(offset) + ": " + message),
      offset_(offset) {}

}  // namespace memvirt
