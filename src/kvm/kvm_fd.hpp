#pragma once
// One RAII class per KVM file descriptor (rust-vmm's Kvm / VmFd / VcpuFd): the system fd of
// /dev/kvm, a VM, a vCPU. Each method makes one ioctl and throws std::system_error naming it;
// destructors never throw. Kernel structs live only in kvm_fd.cpp.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "arch/address.hpp"
#include "kvm/guest_memory.hpp"
#include "kvm/kvm_types.hpp"
#include "kvm/unique_fd.hpp"
#include "kvm/vcpu_exit.hpp"

namespace memvirt {

// /dev/kvm is missing or this user may not open it: the user's environment, not our bug.
class KvmUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The capabilities memvirt relies on, checked up front by Kvm::require_capabilities().
enum class KvmCap : uint8_t { kUserMemory, kImmediateExit, kExtCpuid, kSetTssAddr };
std::string kvm_cap_name(KvmCap cap);

class Vcpu;
class Vm;

class Kvm {
 public:
  // Opens `path`; throws KvmUnavailable when it is missing or not permitted.
  explicit Kvm(const std::string& path = "/dev/kvm");

  int api_version() const;                 // KVM_GET_API_VERSION
  int check_extension(KvmCap cap) const;   // KVM_CHECK_EXTENSION
  size_t vcpu_mmap_size() const;           // KVM_GET_VCPU_MMAP_SIZE
  CpuidTable supported_cpuid() const;      // KVM_GET_SUPPORTED_CPUID
  Vm create_vm() const;                    // KVM_CREATE_VM

  // API version 12 and every capability memvirt needs; throws std::runtime_error naming the
  // first one missing.
  void require_capabilities() const;

 private:
  UniqueFd fd_;
};

class Vm {
 public:
  // KVM_SET_USER_MEMORY_REGION: `memory` appears at guest-physical `gpa` as memslot `slot`.
  // The memory must outlive the VM (declare it before the Vm).
  void set_user_memory_region(uint32_t slot, GuestPhys gpa, const GuestMemory& memory) const;
  void set_tss_addr(uint64_t gpa) const;  // KVM_SET_TSS_ADDR (VMX needs it; harmless elsewhere)
  Vcpu create_vcpu(unsigned id) const;    // KVM_CREATE_VCPU, then maps its kvm_run

 private:
  friend class Kvm;
  Vm(UniqueFd fd, size_t vcpu_mmap_size) : fd_(std::move(fd)), vcpu_mmap_size_(vcpu_mmap_size) {}

  UniqueFd fd_;
  size_t vcpu_mmap_size_;
};

class Vcpu {
 public:
  Vcpu(Vcpu&& other) noexcept;
  Vcpu& operator=(Vcpu&&) = delete;
  Vcpu(const Vcpu&) = delete;
  Vcpu& operator=(const Vcpu&) = delete;
  ~Vcpu();

  Registers get_regs() const;                     // KVM_GET_REGS
  void set_regs(const Registers& regs) const;     // KVM_SET_REGS
  SpecialRegisters get_sregs() const;             // KVM_GET_SREGS
  void set_sregs(const SpecialRegisters& s) const;  // KVM_SET_SREGS
  void set_cpuid(const CpuidTable& table) const;  // KVM_SET_CPUID2

  // KVM_RUN, decoded. A signal or immediate_exit gives Interrupted rather than an exception.
  VcpuExit run();

  // Safe from any thread (and a signal handler): makes the current or next KVM_RUN return
  // Interrupted. The watchdog calls it, then signals the vCPU thread.
  void request_immediate_exit() const;
  void clear_immediate_exit() const;

 private:
  friend class Vm;
  Vcpu(UniqueFd fd, void* run, size_t run_size) : fd_(std::move(fd)), run_(run), run_size_(run_size) {}

  UniqueFd fd_;
  void* run_ = nullptr;  // the mmap'd struct kvm_run
  size_t run_size_ = 0;
};

}  // namespace memvirt
