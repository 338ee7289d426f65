#pragma once
// The port of the host kernel in KVM's model: like Native, its physical addresses are
// host-physical and its entry writes land directly in host memory. Its frames come from host
// memory's one allocator, so the host kernel, the VMM's EPT and shadow tables and everything
// else allocated there never collide. No simulated CPU runs a host process (the VMM's own
// user-space accesses are not simulated), so the TLB operations have nothing to act on.
#include "memory/host_memory.hpp"
#include "os/frame_source.hpp"
#include "os/paging_port.hpp"

namespace memvirt {

class HostKernelPort final : public PagingPort, public FrameSource {
 public:
  explicit HostKernelPort(HostMemory& mem) : mem_(mem) {}

  Pte read_entry(GuestPhys entry) override { return Pte(mem_.read(identity_host(entry))); }
  void write_entry(GuestPhys entry, Pte value) override {
    mem_.write(identity_host(entry), value.raw());
  }
  void table_allocated(GuestPhys table, int) override {
    mem_.clear(identity_host(table), PageSize::k4K);
  }
  void table_freed(GuestPhys, int) override {}
  void write_cr3(int, GuestPhys, uint16_t) override {}
  void invlpg(int, GuestVirt) override {}
  void flush_tlb(int) override {}
  void invpcid(int, uint16_t) override {}
  void send_ipi(int, int) override {}

  GuestPhys allocate(PageSize size, FrameUse use) override {
    return GuestPhys(mem_.allocate(size, role(use)).raw());
  }
  void free(GuestPhys frame, PageSize size, FrameUse use) override {
    mem_.free(identity_host(frame), size, role(use));
  }
  void copy(GuestPhys from, GuestPhys to, PageSize size) override {
    mem_.copy(identity_host(from), identity_host(to), size);
  }

 private:
  static FrameRole role(FrameUse use) {
    return use == FrameUse::kPageTable ? FrameRole::kHostPageTable : FrameRole::kData;
  }

  HostMemory& mem_;
};

}  // namespace memvirt
