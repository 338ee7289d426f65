// The one file that speaks <linux/kvm.h>: ioctls, and conversion of the kernel's structs to
// memvirt's value types (kvm_types.hpp, vcpu_exit.hpp).
#include "kvm/kvm_fd.hpp"

#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <system_error>
#include <utility>

namespace memvirt {
namespace {

[[noreturn]] void throw_ioctl(const char* name) {
  throw std::system_error(errno, std::generic_category(), name);
}

// One ioctl; the result, or a std::system_error named after the request.
template <typename Arg>
int checked_ioctl(int fd, unsigned long request, const char* name, Arg arg) {
  const int r = ioctl(fd, request, arg);
  if (r < 0) throw_ioctl(name);
  return r;
}

Segment from_kernel(const kvm_segment& k) {
  return Segment{k.base, k.limit, k.selector, k.type, k.present != 0, k.dpl, k.db != 0,
                 k.s != 0,  k.l != 0, k.g != 0,      k.avl != 0,  k.unusable != 0};
}

kvm_segment to_kernel(const Segment& s) {
  kvm_segment k{};
  k.base = s.base;
  k.limit = s.limit;
  k.selector = s.selector;
  k.type = s.type;
  k.present = s.present;
  k.dpl = s.dpl;
  k.db = s.db;
  k.s = s.s;
  k.l = s.l;
  k.g = s.g;
  k.avl = s.avl;
  k.unusable = s.unusable;
  return k;
}

unsigned long cap_number(KvmCap cap) {
  switch (cap) {
    case KvmCap::kUserMemory: return KVM_CAP_USER_MEMORY;
    case KvmCap::kImmediateExit: return KVM_CAP_IMMEDIATE_EXIT;
    case KvmCap::kExtCpuid: return KVM_CAP_EXT_CPUID;
    case KvmCap::kSetTssAddr: return KVM_CAP_SET_TSS_ADDR;
  }
  return 0;
}

// kvm_cpuid2 without its flexible array. Linux 6.1's <linux/kvm.h> declares that array with
// __DECLARE_FLEX_ARRAY, which in C++ adds an empty struct: sizeof(kvm_cpuid2) becomes 12, not 8,
// so both the entries' offset and the size encoded in KVM_GET_SUPPORTED_CPUID / KVM_SET_CPUID2
// come out wrong (the kernel answers EINVAL). We lay the header out and encode the ioctls
// ourselves.
struct CpuidHeader {
  uint32_t nent;
  uint32_t padding;
};
static_assert(sizeof(CpuidHeader) == 8);
constexpr unsigned long kGetSupportedCpuid = _IOWR(KVMIO, 0x05, CpuidHeader);
constexpr unsigned long kSetCpuid2 = _IOW(KVMIO, 0x90, CpuidHeader);

// A kvm_cpuid2 of `n` entries in zeroed, suitably aligned storage.
class CpuidBuffer {
 public:
  explicit CpuidBuffer(uint32_t n)
      : words_(std::make_unique<uint64_t[]>(
            (sizeof(CpuidHeader) + n * sizeof(kvm_cpuid_entry2) + 7) / 8)) {
    header()->nent = n;
  }
  CpuidHeader* header() { return reinterpret_cast<CpuidHeader*>(words_.get()); }
  kvm_cpuid_entry2* entries() {
    return reinterpret_cast<kvm_cpuid_entry2*>(reinterpret_cast<uint8_t*>(words_.get()) +
                                               sizeof(CpuidHeader));
  }

 private:
  std::unique_ptr<uint64_t[]> words_;  // make_unique value-initialises: zeroed
};

kvm_run* as_run(void* p) { return static_cast<kvm_run*>(p); }

IoExit decode_io(const kvm_run& r) {
  IoExit io;
  io.port = r.io.port;
  io.size = r.io.size;
  io.direction = r.io.direction == KVM_EXIT_IO_OUT ? IoExit::Direction::kOut : IoExit::Direction::kIn;
  io.count = r.io.count;
  const auto* bytes = reinterpret_cast<const uint8_t*>(&r) + r.io.data_offset;
  std::memcpy(&io.data, bytes, io.size <= sizeof io.data ? io.size : sizeof io.data);
  return io;
}

MmioExit decode_mmio(const kvm_run& r) {
  MmioExit m;
  m.gpa = r.mmio.phys_addr;
  m.length = r.mmio.len;
  m.is_write = r.mmio.is_write != 0;
  std::memcpy(&m.data, r.mmio.data, m.length <= sizeof m.data ? m.length : sizeof m.data);
  return m;
}

VcpuExit decode(const kvm_run& r) {
  switch (r.exit_reason) {
    case KVM_EXIT_IO: return decode_io(r);
    case KVM_EXIT_MMIO: return decode_mmio(r);
    case KVM_EXIT_SHUTDOWN: return Shutdown{};
    case KVM_EXIT_INTERNAL_ERROR: return InternalError{r.internal.suberror};
    case KVM_EXIT_FAIL_ENTRY: return FailEntry{r.fail_entry.hardware_entry_failure_reason};
    case KVM_EXIT_HLT: return Hlt{};
    case KVM_EXIT_INTR: return Interrupted{};
    default: return Unknown{r.exit_reason};
  }
}

}  // namespace

std::string kvm_cap_name(KvmCap cap) {
  switch (cap) {
    case KvmCap::kUserMemory: return "KVM_CAP_USER_MEMORY";
    case KvmCap::kImmediateExit: return "KVM_CAP_IMMEDIATE_EXIT";
    case KvmCap::kExtCpuid: return "KVM_CAP_EXT_CPUID";
    case KvmCap::kSetTssAddr: return "KVM_CAP_SET_TSS_ADDR";
  }
  return "?";
}

// ---- Kvm ------------------------------------------------------------------------------------

Kvm::Kvm(const std::string& path) : fd_(::open(path.c_str(), O_RDWR | O_CLOEXEC)) {
  if (fd_.get() >= 0) return;
  const int e = errno;
  if (e == ENOENT || e == ENXIO || e == ENODEV) {
    throw KvmUnavailable(path + " does not exist: this machine offers no KVM (load kvm_intel, "
                         "kvm_amd or kvm_pvm, or run where hardware virtualization is exposed)");
  }
  if (e == EACCES || e == EPERM) {
    throw KvmUnavailable(path + ": permission denied (run as root or join the group owning it, "
                         "usually 'kvm')");
  }
  throw std::system_error(e, std::generic_category(), "open " + path);
}

int Kvm::api_version() const {
  return checked_ioctl(fd_.get(), KVM_GET_API_VERSION, "KVM_GET_API_VERSION", 0);
}

int Kvm::check_extension(KvmCap cap) const {
  return checked_ioctl(fd_.get(), KVM_CHECK_EXTENSION, "KVM_CHECK_EXTENSION", cap_number(cap));
}

size_t Kvm::vcpu_mmap_size() const {
  return static_cast<size_t>(
      checked_ioctl(fd_.get(), KVM_GET_VCPU_MMAP_SIZE, "KVM_GET_VCPU_MMAP_SIZE", 0));
}

CpuidTable Kvm::supported_cpuid() const {
  // The kernel says E2BIG until the buffer holds every entry; 256 is more than any CPU has now.
  for (uint32_t n = 64; n <= 4096; n *= 2) {
    CpuidBuffer cpuid(n);
    if (ioctl(fd_.get(), kGetSupportedCpuid, cpuid.header()) < 0) {
      if (errno == E2BIG) continue;
      throw_ioctl("KVM_GET_SUPPORTED_CPUID");
    }
    CpuidTable table;
    for (uint32_t i = 0; i < cpuid.header()->nent; ++i) {
      const kvm_cpuid_entry2& e = cpuid.entries()[i];
      table.push_back({e.function, e.index, e.flags, e.eax, e.ebx, e.ecx, e.edx});
    }
    return table;
  }
  errno = E2BIG;
  throw_ioctl("KVM_GET_SUPPORTED_CPUID");
}

Vm Kvm::create_vm() const {
  UniqueFd vm(checked_ioctl(fd_.get(), KVM_CREATE_VM, "KVM_CREATE_VM", 0));
  return Vm(std::move(vm), vcpu_mmap_size());
}

void Kvm::require_capabilities() const {
  const int version = api_version();
  if (version != KVM_API_VERSION) {
    throw std::runtime_error("KVM API version " + std::to_string(version) + ", expected " +
                             std::to_string(KVM_API_VERSION));
  }
  for (KvmCap cap : {KvmCap::kUserMemory, KvmCap::kImmediateExit, KvmCap::kExtCpuid}) {
    if (check_extension(cap) <= 0) {
      throw std::runtime_error("this KVM lacks " + kvm_cap_name(cap) + ", which memvirt needs");
    }
  }
}

// ---- Vm -------------------------------------------------------------------------------------

void Vm::set_user_memory_region(uint32_t slot, GuestPhys gpa, const GuestMemory& memory) const {
  kvm_userspace_memory_region region{};
  region.slot = slot;
  region.guest_phys_addr = gpa.raw();
  region.memory_size = memory.size();
  region.userspace_addr = reinterpret_cast<uint64_t>(memory.data());
  checked_ioctl(fd_.get(), KVM_SET_USER_MEMORY_REGION, "KVM_SET_USER_MEMORY_REGION", &region);
}

void Vm::set_tss_addr(uint64_t gpa) const {
  checked_ioctl(fd_.get(), KVM_SET_TSS_ADDR, "KVM_SET_TSS_ADDR", gpa);
}

Vcpu Vm::create_vcpu(unsigned id) const {
  UniqueFd fd(checked_ioctl(fd_.get(), KVM_CREATE_VCPU, "KVM_CREATE_VCPU", id));
  void* run = mmap(nullptr, vcpu_mmap_size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (run == MAP_FAILED) throw std::system_error(errno, std::generic_category(), "mmap kvm_run");
  return Vcpu(std::move(fd), run, vcpu_mmap_size_);
}

// ---- Vcpu -----------------------------------------------------------------------------------

Vcpu::Vcpu(Vcpu&& other) noexcept
    : fd_(std::move(other.fd_)),
      run_(std::exchange(other.run_, nullptr)),
      run_size_(std::exchange(other.run_size_, 0)) {}

Vcpu::~Vcpu() {
  if (run_ != nullptr) munmap(run_, run_size_);
}

Registers Vcpu::get_regs() const {
  kvm_regs k{};
  checked_ioctl(fd_.get(), KVM_GET_REGS, "KVM_GET_REGS", &k);
  return Registers{k.rax, k.rbx, k.rcx, k.rdx, k.rsi, k.rdi, k.rsp, k.rbp, k.r8,     k.r9,
                   k.r10, k.r11, k.r12, k.r13, k.r14, k.r15, k.rip, k.rflags};
}

void Vcpu::set_regs(const Registers& r) const {
  const kvm_regs k{r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rsp, r.rbp, r.r8,     r.r9,
                   r.r10, r.r11, r.r12, r.r13, r.r14, r.r15, r.rip, r.rflags};
  checked_ioctl(fd_.get(), KVM_SET_REGS, "KVM_SET_REGS", &k);
}

SpecialRegisters Vcpu::get_sregs() const {
  kvm_sregs k{};
  checked_ioctl(fd_.get(), KVM_GET_SREGS, "KVM_GET_SREGS", &k);
  SpecialRegisters s;
  s.cs = from_kernel(k.cs);
  s.ds = from_kernel(k.ds);
  s.es = from_kernel(k.es);
  s.fs = from_kernel(k.fs);
  s.gs = from_kernel(k.gs);
  s.ss = from_kernel(k.ss);
  s.tr = from_kernel(k.tr);
  s.ldt = from_kernel(k.ldt);
  s.gdt = {k.gdt.base, k.gdt.limit};
  s.idt = {k.idt.base, k.idt.limit};
  s.cr0 = k.cr0;
  s.cr2 = k.cr2;
  s.cr3 = k.cr3;
  s.cr4 = k.cr4;
  s.cr8 = k.cr8;
  s.efer = k.efer;
  s.apic_base = k.apic_base;
  return s;
}

void Vcpu::set_sregs(const SpecialRegisters& s) const {
  kvm_sregs k{};  // no pending interrupt in interrupt_bitmap
  k.cs = to_kernel(s.cs);
  k.ds = to_kernel(s.ds);
  k.es = to_kernel(s.es);
  k.fs = to_kernel(s.fs);
  k.gs = to_kernel(s.gs);
  k.ss = to_kernel(s.ss);
  k.tr = to_kernel(s.tr);
  k.ldt = to_kernel(s.ldt);
  k.gdt.base = s.gdt.base;
  k.gdt.limit = s.gdt.limit;
  k.idt.base = s.idt.base;
  k.idt.limit = s.idt.limit;
  k.cr0 = s.cr0;
  k.cr2 = s.cr2;
  k.cr3 = s.cr3;
  k.cr4 = s.cr4;
  k.cr8 = s.cr8;
  k.efer = s.efer;
  k.apic_base = s.apic_base;
  checked_ioctl(fd_.get(), KVM_SET_SREGS, "KVM_SET_SREGS", &k);
}

void Vcpu::set_cpuid(const CpuidTable& table) const {
  CpuidBuffer cpuid(static_cast<uint32_t>(table.size()));
  for (size_t i = 0; i < table.size(); ++i) {
    const CpuidEntry& e = table[i];
    kvm_cpuid_entry2& k = cpuid.entries()[i];
    k.function = e.function;
    k.index = e.index;
    k.flags = e.flags;
    k.eax = e.eax;
    k.ebx = e.ebx;
    k.ecx = e.ecx;
    k.edx = e.edx;
  }
  checked_ioctl(fd_.get(), kSetCpuid2, "KVM_SET_CPUID2", cpuid.header());
}

VcpuExit Vcpu::run() {
  if (ioctl(fd_.get(), KVM_RUN, 0) < 0) {
    if (errno == EINTR || errno == EAGAIN) return Interrupted{};
    throw_ioctl("KVM_RUN");
  }
  return decode(*as_run(run_));
}

void Vcpu::request_immediate_exit() const {
  std::atomic_ref<uint8_t>(as_run(run_)->immediate_exit).store(1);
}

void Vcpu::clear_immediate_exit() const {
  std::atomic_ref<uint8_t>(as_run(run_)->immediate_exit).store(0);
}

}  // namespace memvirt
