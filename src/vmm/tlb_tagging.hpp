#pragma once
// How TLB entries are tagged, and so what must be flushed when. One bit of ASID (the first AMD-V)
// separates only the VMM from "the" guest; a full ASID/VPID separates VMs (per vCPU); PCID also
// separates a guest's processes. Without tags, every VM transition and CR3 write flushes.
#include <cstdint>
#include <optional>
#include <string_view>

#include "mmu/tlb.hpp"

namespace memvirt {

enum class TlbTagging : uint8_t { kNone, kAsid1, kAsid, kVpid, kVpidPcid };

constexpr std::string_view tlb_tagging_name(TlbTagging t) {
  switch (t) {
    case TlbTagging::kNone: return "none";
    case TlbTagging::kAsid1: return "asid1";
    case TlbTagging::kAsid: return "asid";
    case TlbTagging::kVpid: return "vpid";
    case TlbTagging::kVpidPcid: return "vpid+pcid";
  }
  return "?";
}

constexpr std::optional<TlbTagging> parse_tlb_tagging(std::string_view text) {
  for (TlbTagging t : {TlbTagging::kNone, TlbTagging::kAsid1, TlbTagging::kAsid,
                       TlbTagging::kVpid, TlbTagging::kVpidPcid})
    if (text == tlb_tagging_name(t)) return t;
  return std::nullopt;
}

struct TagPolicy {
  TlbTagging scheme = TlbTagging::kVpid;

  // Tag of translations made for VM `vm` (0: the host, no VM) running process `pcid`.
  constexpr TlbTag tag(uint16_t vm, uint16_t pcid) const {
    switch (scheme) {
      case TlbTagging::kNone: return {0, 0};
      case TlbTagging::kAsid1: return {static_cast<uint16_t>(vm ? 1 : 0), 0};
      case TlbTagging::kAsid:
      case TlbTagging::kVpid: return {vm, 0};
      case TlbTagging::kVpidPcid: return {vm, pcid};
    }
    return {};
  }
  // Processes are told apart (the kernel uses PCIDs): a CR3 write keeps the TLB.
  constexpr bool tags_processes() const { return scheme == TlbTagging::kVpidPcid; }
  // Untagged: every VM exit and entry flushes the whole TLB.
  constexpr bool flush_on_vm_transition() const { return scheme == TlbTagging::kNone; }
  // VMs are told apart: running another VM keeps the TLB.
  constexpr bool tags_vms() const {
    return scheme != TlbTagging::kNone && scheme != TlbTagging::kAsid1;
  }
};

}  // namespace memvirt
