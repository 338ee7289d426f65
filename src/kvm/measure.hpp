#pragma once
// Real measurements of a workload: in a host process and in the probe guest, from the same loop
// source (guest/probe_loops.cpp), with a warm-up run and the median of the repeats.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "arch/page_size.hpp"
#include "kvm/guest_memory.hpp"
#include "kvm/kvm_fd.hpp"
#include "workload/spec.hpp"

namespace memvirt {

struct MeasureConfig {
  WorkloadSpec spec;
  uint64_t seed = 1;       // the simulator's --seed: the same permutation / random draws
  unsigned repeats = 5;    // timed runs after one warm-up run
  PageSize page = PageSize::k4K;  // guest page size (KVM) or host page size (native: 4k, 2m)
  HostBacking host_backing = HostBacking::k4K;  // host pages behind the data
  std::chrono::milliseconds watchdog{120'000};  // bound on each guest run
};

struct Measurement {
  double cycles_per_step = 0;        // median over the repeats, rdtsc ticks per access
  std::vector<double> samples;       // each repeat's cycles per step
  bool checksum_ok = false;          // every run ended where the host computed it must
  uint64_t huge_bytes = 0;           // of the data, backed by huge host pages (smaps)
};

// Throws KvmUnsupported (e.g. 1 GiB pages), GuestFault / GuestTimeout, std::system_error.
Measurement measure_in_guest(const Kvm& kvm, const MeasureConfig& config);
// config.page must be 4k or 2m (the host's page size: 2m asks for transparent huge pages).
Measurement measure_native(const MeasureConfig& config);

struct ExitCosts {
  uint64_t io_exits = 0;
  double io_exit_round_trip_ns = 0;  // VMM-observed time per port write, exit to exit
  uint64_t mmio_exits = 0;
  double mmio_exit_round_trip_ns = 0;
};
// `count` port writes, then `count` MMIO writes, each an exit to this process and back.
ExitCosts measure_exits(const Kvm& kvm, uint64_t count);

}  // namespace memvirt
