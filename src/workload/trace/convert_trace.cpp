#include "workload/trace/convert_trace.hpp"

#include <vector>

#include "workload/trace/mvt_writer.hpp"

namespace memvirt {

ConvertResult convert_trace(TraceReader& in, std::ostream& out, const ConvertOptions& options) {
  MvtWriter writer(out, MvtWriterOptions{.pids = options.pids, .events = options.events});
  std::vector<TraceRecord> batch(4096);
  while (true) {
    const size_t n = in.read(batch);
    for (size_t i = 0; i < n; ++i) writer.write(batch[i]);
    const std::optional<SpaceEvent> e = in.take_event();
    if (e) writer.write_event(*e);
    if (n == 0 && !e) break;
  }
  writer.finish();
  return {writer.records(), writer.events()};
}

}  // namespace memvirt
