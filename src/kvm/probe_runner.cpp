#include "kvm/probe_runner.hpp"

#include <fmt/format.h>

#include <cstring>
#include <optional>

#include "guest/probe_payload.hpp"
#include "kvm/backend.hpp"
#include "kvm/long_mode_setup.hpp"
#include "kvm/watchdog.hpp"

namespace memvirt {
namespace {

using Clock = std::chrono::steady_clock;

// Before any memory is allocated: a 1 GiB page the guest's CPUID does not offer would be a
// reserved-bit fault, i.e. a triple fault with no explanation.
const ProbeRunnerConfig& checked(const ProbeRunnerConfig& config, const CpuidTable& cpuid) {
  if (config.guest_page == PageSize::k1G && !cpuid_has_1g_pages(cpuid)) {
    throw KvmUnsupported(fmt::format(
        "1 GiB guest pages are not available: this KVM backend ({}) does not offer PDPE1GB "
        "(CPUID 0x80000001 EDX bit 26) in KVM_GET_SUPPORTED_CPUID; use --guest-page 4k or 2m",
        kvm_backend_name()));
  }
  return config;
}

}  // namespace

ProbeRunner::ProbeRunner(const Kvm& kvm, const ProbeRunnerConfig& config)
    : config_(checked(config, kvm.supported_cpuid())),
      layout_(GuestLayout::for_working_set(config.working_set, config.guest_page)),
      low_(layout_.low_bytes, HostBacking::k4K),
      data_(layout_.data_bytes, config.host_backing),
      vm_(kvm.create_vm()),
      vcpu_(vm_.create_vcpu(0)) {
  vm_.set_user_memory_region(0, GuestPhys(0), low_);
  vm_.set_user_memory_region(1, kDataGpa, data_);
  // VMX without unrestricted guest wants a TSS area; the other backends do not have the call.
  if (kvm.check_extension(KvmCap::kSetTssAddr) > 0) vm_.set_tss_addr(0xfffbd000);
  load();
  vcpu_.set_cpuid(kvm.supported_cpuid());
  vcpu_.set_sregs(long_mode_sregs(vcpu_.get_sregs(), cr3_));
}

void ProbeRunner::load() {
  const std::span<const uint8_t> image = probe_payload();
  if (image.size() > kProbeImageBytes) {
    throw std::logic_error(fmt::format("probe payload of {} bytes exceeds its {} byte slot",
                                       image.size(), kProbeImageBytes));
  }
  std::memcpy(low_.data() + kProbeImageGpa.raw(), image.data(), image.size());
  write_descriptor_tables(low_.bytes());
  cr3_ = build_page_tables(low_.bytes(), layout_);
}

probe::Mailbox& ProbeRunner::mailbox() const {
  return *reinterpret_cast<probe::Mailbox*>(low_.data() + kMailboxGpa.raw());
}

uint64_t ProbeRunner::rip() const { return vcpu_.get_regs().rip; }

ProbeRun ProbeRunner::run(const probe::Mailbox& request) {
  mailbox() = request;
  vcpu_.clear_immediate_exit();
  vcpu_.set_regs(probe_entry_regs());
  ProbeRun out;
  std::optional<Clock::time_point> first;
  Clock::time_point last;
  const auto note_exit = [&] {
    last = Clock::now();
    if (!first) first = last;
  };
  const Watchdog watchdog(vcpu_, config_.watchdog);
  for (;;) {
    const VcpuExit exit = vcpu_.run();
    if (const auto* io = std::get_if<IoExit>(&exit);
        io && io->direction == IoExit::Direction::kOut) {
      if (io->port == probe::kDonePort) break;
      if (io->port == probe::kProbePort) {
        note_exit();
        out.probe_port_data.push_back(io->data);
        continue;
      }
    }
    if (const auto* mmio = std::get_if<MmioExit>(&exit); mmio && mmio->gpa == kMmioGpa.raw()) {
      note_exit();
      ++out.mmio_writes;
      continue;
    }
    if (std::holds_alternative<Interrupted>(exit)) {
      if (!watchdog.fired()) continue;  // a stray signal: resume
      throw GuestTimeout(fmt::format("watchdog: the guest ran past its bound of {} ms and was "
                                     "stopped at RIP {:#x}",
                                     watchdog.bound().count(), rip()),
                         rip());
    }
    throw GuestFault(fmt::format("guest fault: {} at RIP {:#x}", describe(exit), rip()), rip());
  }
  out.mailbox = mailbox();
  if (out.mailbox.status != probe::kDoneMagic) {
    throw GuestFault("the probe wrote the done port without finishing its mailbox", rip());
  }
  if (first) out.first_to_last_exit = last - *first;
  return out;
}

}  // namespace memvirt
