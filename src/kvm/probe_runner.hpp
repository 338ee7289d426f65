#pragma once
// The generic half of the VMM: one VM with one vCPU, guest memory laid out by guest_layout.hpp
// and set up by long_mode_setup.hpp, the probe payload loaded, and a run loop that serves the
// probe's exits until it reports done through its mailbox.
#include <chrono>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "guest/probe_abi.hpp"
#include "kvm/guest_layout.hpp"
#include "kvm/guest_memory.hpp"
#include "kvm/kvm_fd.hpp"

namespace memvirt {

// The guest stopped other than by finishing: a triple fault, an unexpected exit, an entry
// failure. Carries where it stood.
class GuestFault : public std::runtime_error {
 public:
  GuestFault(const std::string& what, uint64_t rip) : std::runtime_error(what), rip_(rip) {}
  uint64_t rip() const { return rip_; }

 private:
  uint64_t rip_;
};

// The watchdog ended a guest that ran past its bound.
class GuestTimeout : public GuestFault {
 public:
  using GuestFault::GuestFault;
};

// The backend cannot run what was asked (e.g. 1 GiB guest pages without PDPE1GB).
class KvmUnsupported : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ProbeRunnerConfig {
  uint64_t working_set = uint64_t{1} << 20;  // bytes of data memory at kDataGva
  PageSize guest_page = PageSize::k4K;
  HostBacking host_backing = HostBacking::k4K;
  std::chrono::milliseconds watchdog{60'000};  // bound on one probe run
};

struct ProbeRun {
  probe::Mailbox mailbox;              // as the probe left it
  std::vector<uint32_t> probe_port_data;  // each out to kProbePort, in order
  uint64_t mmio_writes = 0;           // MMIO exits at kMmioGpa
  // From the first probe-port or MMIO exit to the last, as seen by the VMM.
  std::chrono::nanoseconds first_to_last_exit{0};
};

class ProbeRunner {
 public:
  // Creates the VM and its memory, page tables, vCPU state and CPUID. Throws KvmUnsupported for
  // 1 GiB guest pages when the backend's CPUID lacks PDPE1GB.
  ProbeRunner(const Kvm& kvm, const ProbeRunnerConfig& config);

  // The data memslot as the VMM sees it; the guest sees byte i at kDataGva + i.
  std::span<uint8_t> data() const { return data_.bytes(); }
  std::span<uint8_t> low_memory() const { return low_.bytes(); }
  const GuestLayout& layout() const { return layout_; }
  GuestPhys cr3() const { return cr3_; }
  uint64_t data_huge_bytes() const { return data_.huge_bytes(); }

  // Runs the probe that `request` asks for, from a fresh entry state. Throws GuestTimeout when
  // the watchdog fires, GuestFault for any other stop; the VM is unusable after either.
  ProbeRun run(const probe::Mailbox& request);

 private:
  void load();
  probe::Mailbox& mailbox() const;
  uint64_t rip() const;

  ProbeRunnerConfig config_;
  GuestLayout layout_;
  // Memory first: it must outlive the VM that maps it.
  GuestMemory low_;
  GuestMemory data_;
  Vm vm_;
  Vcpu vcpu_;
  GuestPhys cr3_;
};

}  // namespace memvirt
