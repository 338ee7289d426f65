#pragma once
// KVM's model: the host kernel is the VMM. It is the same os::Kernel that runs in the guests,
// here over host-physical memory; each VM's memory is an anonymous mapping of one VMM process
// (one per VM), backed by host pages of the configured size through host demand paging. A VM's
// gPA -> hPA map is memslot (gPA -> hVA) then the host's own page tables (hVA -> hPA); under
// nested paging the VM's EPT is filled from that on EPT violations, and the host kernel's MMU
// notifier zaps what was derived from a host mapping that changes.
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>

#include "os/kernel.hpp"
#include "vmm/host_kernel_port.hpp"
#include "vmm/kvm_ept.hpp"
#include "vmm/kvm_memslot.hpp"
#include "vmm/vmm_host.hpp"

namespace memvirt {

class KvmHost;

class KvmDomain final : public Domain {
 public:
  KvmDomain(KvmHost& host, uint16_t vm, uint32_t vmm_pid, Memslot slot);
  ~KvmDomain() override;

  std::optional<HostPhys> lookup(GuestPhys gpa) const override;
  HostPhys populate(GuestPhys gpa) override;
  PageSize backing_size(GuestPhys gpa) const override;
  HostPhys ept_root() override;
  int ept_levels() const override;
  // A KVM guest names only guest-physical memory, so it cannot even ask for a foreign frame.
  bool owns(HostPhys) const override { return true; }

  uint32_t vmm_pid() const { return pid_; }
  const Memslot& memslot() const { return slot_; }
  // The host kernel's MMU notifier: the VMM's [start, start + length) is about to change.
  void host_invalidated(GuestVirt start, uint64_t length);

 private:
  std::optional<GuestMapping> host_mapping(GuestPhys gpa) const;

  KvmHost& host_;
  uint32_t pid_;
  Memslot slot_;
  std::unique_ptr<KvmEpt> ept_;  // nested paging only: shadow paging reads memslots directly
};

class KvmHost final : public VmmHost {
 public:
  // Where each VMM process maps its VM's memory: 1 TiB, aligned for every page size.
  static constexpr uint64_t kMemslotBase = uint64_t{1} << 40;

  KvmHost(const VmmHostConfig& config, HostMemory& mem);

  std::unique_ptr<Domain> create_domain(uint16_t vm) override;

  Kernel& host_kernel() { return kernel_; }
  const VmmHostConfig& config() const { return config_; }
  HostMemory& memory() { return mem_; }

 private:
  friend class KvmDomain;
  void release(uint32_t vmm_pid);

  VmmHostConfig config_;
  HostMemory& mem_;
  HostKernelPort port_;
  Kernel kernel_;
  std::unordered_map<uint32_t, KvmDomain*> domains_;  // by VMM pid
};

}  // namespace memvirt
