// The host side of measure.hpp: the same loops (guest/probe_loops.cpp, compiled into this
// library) over the same image in an ordinary mapping of this process.
#include <fmt/format.h>

#include <bit>
#include <stdexcept>

#include "guest/probe_loops.hpp"
#include "kvm/guest_memory.hpp"
#include "kvm/measure.hpp"
#include "kvm/measure_runs.hpp"

namespace memvirt {
namespace {

using probe::ProbeKind;

// The host's counterpart of the payload's dispatch, for the kinds a host process may run.
probe::Mailbox run_natively(const probe::Mailbox& request) {
  probe::Mailbox out = request;
  probe::LoopResult r;
  switch (static_cast<ProbeKind>(request.kind)) {
    case ProbeKind::kListWalk: r = probe::list_walk(request.args[0], request.args[1]); break;
    case ProbeKind::kRandomAccess:
      r = probe::random_access(request.args[0], request.args[1], request.args[2],
                               request.args[3], std::bit_cast<double>(request.args[4]));
      break;
    case ProbeKind::kTouch:
      r.checksum = probe::touch(request.args[0], request.args[1], request.args[2]);
      break;
    default: throw std::logic_error("this probe kind runs only in the guest");
  }
  out.cycles = r.cycles;
  out.checksum = r.checksum;
  out.status = probe::kDoneMagic;
  return out;
}

}  // namespace

Measurement measure_native(const MeasureConfig& config) {
  if (config.page == PageSize::k1G) {
    throw std::invalid_argument("measure native: --page 1g is not offered (host processes get "
                                "1 GiB pages only from hugetlbfs); use 4k or 2m");
  }
  const uint64_t align = page_bytes(config.page) - 1;
  const uint64_t bytes = (working_set_bytes(config.spec) + align) & ~align;
  // The mapping class the VMM uses for guest memory: same alignment, same madvise.
  const GuestMemory memory(bytes, config.page == PageSize::k2M ? HostBacking::kTransparentHuge
                                                                : HostBacking::k4K);
  const uint64_t base = reinterpret_cast<uint64_t>(memory.data());
  const PreparedWorkload work = prepare_workload(memory.bytes(), base, config);
  run_natively(touch_request(base, bytes));
  Measurement m = time_runs(work, config.repeats, run_natively);
  m.huge_bytes = memory.huge_bytes();
  return m;
}

}  // namespace memvirt
