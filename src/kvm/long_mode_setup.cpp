#include "kvm/long_mode_setup.hpp"

#include <cstring>

#include "kvm/guest_page_tables.hpp"

namespace memvirt {
namespace {

constexpr uint64_t kCr0Pe = 1u << 0, kCr0Mp = 1u << 1, kCr0Et = 1u << 4, kCr0Ne = 1u << 5,
                   kCr0Wp = 1u << 16, kCr0Pg = 1u << 31;
constexpr uint64_t kCr4Pae = 1u << 5, kCr4Osfxsr = 1u << 9, kCr4Osxmmexcpt = 1u << 10;
constexpr uint64_t kEferLme = 1u << 8, kEferLma = 1u << 10;
constexpr uint64_t kRflagsFixed = 1u << 1, kRflagsIopl3 = 3u << 12;

constexpr uint8_t kTypeCodeExecReadAccessed = 0xB;
constexpr uint8_t kTypeDataReadWriteAccessed = 0x3;
constexpr uint8_t kTypeTss64Available = 0x9;
constexpr uint8_t kTypeTss64Busy = 0xB;
constexpr uint8_t kTypeLdt = 0x2;
// A 64-bit TSS is 104 bytes; an I/O permission bitmap of zeros (every port allowed) follows,
// then the 0xFF byte the CPU requires after it. IOPL 3 alone lets CPL 3 reach every port on
// hardware, but a backend that emulates the `out` (PVM runs the guest with the host's IOPL 0,
// so `out` traps to its instruction emulator) may consult the bitmap instead.
constexpr uint32_t kTssBaseBytes = 104;
constexpr uint32_t kIoBitmapBytes = 65536 / 8;
constexpr uint32_t kTssLimit = kTssBaseBytes + kIoBitmapBytes;  // includes the 0xFF byte
constexpr uint64_t kTssIomapOffset = 102;                       // where the bitmap's offset goes

Segment flat_segment(uint16_t selector, uint8_t type, uint8_t dpl, bool code) {
  Segment s;
  s.base = 0;
  s.limit = 0xFFFFFFFF;
  s.selector = selector;
  s.type = type;
  s.present = true;
  s.dpl = dpl;
  s.s = true;
  s.l = code;   // 64-bit code segment
  s.db = !code; // L and D must not both be set
  s.g = true;
  return s;
}

Segment user_code() { return flat_segment(kUserCodeSelector, kTypeCodeExecReadAccessed, 3, true); }
Segment user_data() { return flat_segment(kUserDataSelector, kTypeDataReadWriteAccessed, 3, false); }

Segment task_register() {
  Segment s;
  s.base = low_gva(kTssGpa).raw();
  s.limit = kTssLimit;
  s.selector = kTssSelector;
  s.type = kTypeTss64Busy;  // a loaded TR is busy; VM entry insists
  s.present = true;
  return s;
}

void put64(std::span<uint8_t> low, uint64_t gpa, uint64_t value) {
  std::memcpy(low.data() + gpa, &value, sizeof value);
}

// A 64-bit TSS descriptor is 16 bytes: the system-segment layout plus base bits 63:32.
void put_tss_descriptor(std::span<uint8_t> low, uint64_t at) {
  const uint64_t base = low_gva(kTssGpa).raw();
  const uint64_t low_word = (kTssLimit & 0xFFFF) | ((base & 0xFFFFFF) << 16) |
                            (uint64_t{kTypeTss64Available} << 40) | (uint64_t{1} << 47) |
                            ((uint64_t{kTssLimit} >> 16 & 0xF) << 48) | ((base >> 24 & 0xFF) << 56);
  put64(low, at, low_word);
  put64(low, at + 8, base >> 32);
}

}  // namespace

uint64_t encode_descriptor(const Segment& s) {
  const uint64_t limit = s.g ? s.limit >> 12 : s.limit;
  return (limit & 0xFFFF) | ((s.base & 0xFFFFFF) << 16) | (uint64_t{s.type} << 40) |
         (uint64_t{s.s} << 44) | (uint64_t{s.dpl} << 45) | (uint64_t{s.present} << 47) |
         ((limit >> 16 & 0xF) << 48) | (uint64_t{s.avl} << 52) | (uint64_t{s.l} << 53) |
         (uint64_t{s.db} << 54) | (uint64_t{s.g} << 55) | ((s.base >> 24 & 0xFF) << 56);
}

void write_descriptor_tables(std::span<uint8_t> low) {
  const uint64_t gdt = kGdtGpa.raw();
  std::memset(low.data() + gdt, 0, kTableBytes);
  put64(low, gdt + kKernelCodeSelector,
        encode_descriptor(flat_segment(kKernelCodeSelector, kTypeCodeExecReadAccessed, 0, true)));
  put64(low, gdt + kKernelDataSelector,
        encode_descriptor(flat_segment(kKernelDataSelector, kTypeDataReadWriteAccessed, 0, false)));
  put64(low, gdt + (kUserDataSelector & ~3u), encode_descriptor(user_data()));
  put64(low, gdt + (kUserCodeSelector & ~3u), encode_descriptor(user_code()));
  put_tss_descriptor(low, gdt + kTssSelector);

  static_assert(kTssLimit < kTssBytes);
  uint8_t* const tss = low.data() + kTssGpa.raw();
  std::memset(tss, 0, kTssBytes);
  const uint16_t iomap = kTssBaseBytes;
  std::memcpy(tss + kTssIomapOffset, &iomap, sizeof iomap);
  tss[kTssLimit] = 0xFF;
}

GuestPhys build_page_tables(std::span<uint8_t> low, const GuestLayout& layout) {
  GuestPageTables tables(low, kTableAreaGpa, layout.table_bytes);
  const MapFlags supervisor{.writable = false, .user = false};
  const MapFlags user{.writable = true, .user = true};
  const auto identity = [&](GuestPhys gpa, uint64_t bytes, MapFlags flags) {
    tables.map(low_gva(gpa), gpa, bytes, PageSize::k4K, flags);
  };
  identity(kGdtGpa, kTableBytes, supervisor);
  identity(kTssGpa, kTssBytes, supervisor);
  identity(kMailboxGpa, kTableBytes, user);
  identity(kProbeImageGpa, kProbeImageBytes, user);
  identity(kStackGpa, kStackBytes, user);
  identity(kMmioGpa, kTableBytes, user);
  tables.map(kDataGva, kDataGpa, layout.data_bytes, layout.guest_page, user);
  return tables.root();
}

SpecialRegisters long_mode_sregs(SpecialRegisters s, GuestPhys cr3) {
  s.cs = user_code();
  s.ds = s.es = s.fs = s.gs = s.ss = user_data();
  s.tr = task_register();
  s.ldt = Segment{};
  s.ldt.type = kTypeLdt;
  s.ldt.unusable = true;
  s.gdt = {low_gva(kGdtGpa).raw(), 0x37};  // through the TSS descriptor's second half
  s.idt = {0, 0};
  s.cr0 = kCr0Pe | kCr0Mp | kCr0Et | kCr0Ne | kCr0Wp | kCr0Pg;
  s.cr2 = 0;
  s.cr3 = cr3.raw();
  s.cr4 = kCr4Pae | kCr4Osfxsr | kCr4Osxmmexcpt;
  s.efer = kEferLme | kEferLma;
  return s;
}

Registers probe_entry_regs() {
  Registers r;
  r.rip = probe::kProbeLoadAddress;
  // As if called: rsp + 8 is 16-byte aligned at function entry, as the ABI promises.
  r.rsp = low_gva(kStackGpa).raw() + kStackBytes - 8;
  r.rdi = low_gva(kMailboxGpa).raw();
  r.rflags = kRflagsFixed | kRflagsIopl3;
  return r;
}

bool cpuid_has_1g_pages(const CpuidTable& supported) {
  for (const CpuidEntry& e : supported) {
    if (e.function == 0x80000001) return (e.edx >> 26 & 1) != 0;
  }
  return false;
}

}  // namespace memvirt
