#pragma once
// memvirt's own value types for the vCPU state that KVM exchanges. They mirror the kernel's
// kvm_regs / kvm_sregs / kvm_cpuid_entry2 field for field, so that <linux/kvm.h> stays inside
// kvm_fd.cpp (crosvm's rule: kernel structs are converted at the boundary).
#include <array>
#include <cstdint>
#include <vector>

namespace memvirt {

struct Registers {
  uint64_t rax = 0, rbx = 0, rcx = 0, rdx = 0, rsi = 0, rdi = 0, rsp = 0, rbp = 0;
  uint64_t r8 = 0, r9 = 0, r10 = 0, r11 = 0, r12 = 0, r13 = 0, r14 = 0, r15 = 0;
  uint64_t rip = 0, rflags = 0;
};

// A segment register's hidden part, as VMX/SVM keep it.
struct Segment {
  uint64_t base = 0;
  uint32_t limit = 0;
  uint16_t selector = 0;
  uint8_t type = 0;  // descriptor type field (4 bits)
  bool present = false;
  uint8_t dpl = 0;
  bool db = false;  // default operand size (0 in 64-bit code)
  bool s = false;   // code/data (1) or system (0)
  bool l = false;   // 64-bit code
  bool g = false;   // limit in 4 KiB units
  bool avl = false;
  bool unusable = false;
};

struct DescriptorTable {
  uint64_t base = 0;
  uint16_t limit = 0;
};

struct SpecialRegisters {
  Segment cs, ds, es, fs, gs, ss, tr, ldt;
  DescriptorTable gdt, idt;
  uint64_t cr0 = 0, cr2 = 0, cr3 = 0, cr4 = 0, cr8 = 0, efer = 0, apic_base = 0;
};

struct CpuidEntry {
  uint32_t function = 0, index = 0, flags = 0;
  uint32_t eax = 0, ebx = 0, ecx = 0, edx = 0;
};
using CpuidTable = std::vector<CpuidEntry>;

}  // namespace memvirt
