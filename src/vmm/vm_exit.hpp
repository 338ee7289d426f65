#pragma once
// Why the guest left for the VMM, and how often.
#include <array>
#include <cstdint>
#include <numeric>
#include <string_view>

namespace memvirt {

enum class ExitReason : uint8_t {
  kPtWrite,       // write to a write-protected guest page-table page (shadow paging)
  kShadowFault,   // hidden fault: the shadow tables lack what the guest tables have
  kGuestFault,    // a genuine guest #PF, intercepted and reflected to the guest
  kCr3Write,      // MOV to CR3
  kInvlpg,        // INVLPG
  kEptViolation,  // nested page fault: guest-physical memory not yet backed
  kInvpcid,       // INVPCID
  kIpiSend,       // write to the APIC's interrupt command register (a TLB shootdown IPI)
  kIpiReceive,    // an IPI delivered to a running vCPU
};
inline constexpr int kExitReasonCount = 9;

constexpr std::string_view exit_reason_name(ExitReason r) {
  constexpr std::array<std::string_view, kExitReasonCount> names = {
      "pt_write",      "shadow_fault", "guest_page_fault", "cr3_write",  "invlpg",
      "ept_violation", "invpcid",      "ipi_send",         "ipi_receive"};
  return names[static_cast<size_t>(r)];
}

struct VmExitStats {
  std::array<uint64_t, kExitReasonCount> by_reason{};

  void count(ExitReason r) { ++by_reason[static_cast<size_t>(r)]; }
  uint64_t operator[](ExitReason r) const { return by_reason[static_cast<size_t>(r)]; }
  uint64_t total() const { return std::accumulate(by_reason.begin(), by_reason.end(), uint64_t{0}); }
  VmExitStats& operator-=(const VmExitStats& o) {
    for (size_t i = 0; i < by_reason.size(); ++i) by_reason[i] -= o.by_reason[i];
    return *this;
  }
};

}  // namespace memvirt
