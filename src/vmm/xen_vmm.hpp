#pragma once
// The Xen model: a hypervisor below one privileged Dom0 and the unprivileged DomUs. Xen hands
// host memory to every domain itself and records the owner of each frame it hands out (its frame
// table), so that a guest request naming a frame it was not given can be refused.
#include <cstdint>
#include <memory>
#include <optional>

#include "memory/frame_table.hpp"
#include "vmm/p2m_domain.hpp"
#include "vmm/vmm_host.hpp"

namespace memvirt {

// Owner of every host frame handed to a domain, by the frame's base address.
class FrameOwners {
 public:
  explicit FrameOwners(PageSize frame) : frame_(frame) {}

  void record(HostPhys frame, uint16_t vm);
  // The VM that was given the frame holding `hpa`, if any (none: Xen's own or free memory).
  std::optional<uint16_t> owner_of(HostPhys hpa) const;
  uint64_t frames() const { return frames_; }

 private:
  PageSize frame_;
  FrameTable<std::optional<uint16_t>> owner_;  // by frame number, as Xen's frame table
  uint64_t frames_ = 0;
};

// A domain whose backing frames are recorded as its own, and which owns nothing else.
class XenDomain final : public P2mDomain {
 public:
  XenDomain(HostMemory& mem, P2mDomainConfig config, FrameOwners& owners)
      : P2mDomain(mem, config), owners_(owners) {}

  bool owns(HostPhys hpa) const override { return owners_.owner_of(hpa) == vm(); }

 protected:
  HostPhys allocate_backing() override;

 private:
  FrameOwners& owners_;
};

class XenVmm final : public VmmHost {
 public:
  // Dom0 is VM number 1; the DomUs follow.
  static constexpr uint16_t kDom0 = 1;

  XenVmm(const VmmHostConfig& config, HostMemory& mem);

  int privileged_guests() const override { return 1; }
  std::unique_ptr<Domain> create_domain(uint16_t vm) override;
  const FrameOwners& owners() const { return owners_; }

 private:
  VmmHostConfig config_;
  HostMemory& mem_;
  FrameOwners owners_;
};

}  // namespace memvirt
