#pragma once
// The architecture half of the VMM (kvmtool's x86/kvm-cpu.c): everything that makes a fresh vCPU
// a 64-bit user-mode (CPL 3) process of a guest that has no kernel. The generic run loop
// (probe_runner) knows nothing of this.
//
// Why CPL 3: on this machine's KVM (kvm_pvm, shadow paging) guest user code runs natively while
// CPL 0 code is emulated instruction by instruction; on hardware KVM (VMX/SVM) CPL 3 costs
// nothing either. IOPL 3 lets the probe's `out` reach the VMM as an I/O exit at CPL 3.
#include <cstdint>
#include <span>

#include "arch/address.hpp"
#include "arch/page_size.hpp"
#include "kvm/guest_layout.hpp"
#include "kvm/kvm_types.hpp"

namespace memvirt {

// Selectors in the GDT written by write_descriptor_tables(). User data precedes user code, the
// order SYSRET expects, though nothing here uses it.
inline constexpr uint16_t kKernelCodeSelector = 0x08;
inline constexpr uint16_t kKernelDataSelector = 0x10;
inline constexpr uint16_t kUserDataSelector = 0x18 | 3;
inline constexpr uint16_t kUserCodeSelector = 0x20 | 3;
inline constexpr uint16_t kTssSelector = 0x28;

// Writes the GDT (null, kernel code/data, user data/code, 64-bit TSS) at kGdtGpa and the TSS at
// kTssGpa into `low` (guest-physical memory from gPA 0).
void write_descriptor_tables(std::span<uint8_t> low);

// Builds the guest's page tables in the table area of `low`: the low region identity-mapped with
// 4 KiB pages (GDT, TSS supervisor-only; mailbox, image, stack and the MMIO page user), and the
// data at kDataGva -> kDataGpa with layout.guest_page pages. Returns CR3.
GuestPhys build_page_tables(std::span<uint8_t> low, const GuestLayout& layout);

// `current` (from KVM_GET_SREGS, for apic_base and the like) turned into long mode with paging
// rooted at `cr3`, CPL 3 segments, the TSS in TR and no IDT (any exception becomes a triple
// fault, reported as a shutdown).
SpecialRegisters long_mode_sregs(SpecialRegisters current, GuestPhys cr3);

// rip at the probe entry, rsp at the top of the stack, rdi = the mailbox, RFLAGS with IOPL 3.
Registers probe_entry_regs();

// The 8-byte GDT descriptor for a code or data segment (s = 1), from its hidden part.
uint64_t encode_descriptor(const Segment& segment);

// Whether the CPUID that KVM offers its guests has PDPE1GB (1 GiB pages: leaf 0x80000001, EDX
// bit 26). The guest's CPUID is exactly that table, so 1 GiB guest pages work iff this holds.
bool cpuid_has_1g_pages(const CpuidTable& supported);

}  // namespace memvirt
