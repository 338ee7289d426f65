#pragma once
// A domain whose memory the VMM hands out itself, frame by frame, recording each in a real
// EPT-format p2m tree in host memory (Xen's model). Under nested paging the hardware walks that
// same tree; under shadow or paravirtual paging the VMM reads it in software.
#include <cstdint>

#include "memory/host_memory.hpp"
#include "vmm/domain.hpp"

namespace memvirt {

struct P2mDomainConfig {
  uint16_t vm = 1;
  PageSize backing = PageSize::k4K;  // size of the host frames behind guest memory
  int levels = 4;                    // p2m/EPT levels (5 with LA57 guests)
  FrameRole table_role = FrameRole::kNestedPageTable;
};

class P2mDomain : public Domain {
 public:
  P2mDomain(HostMemory& mem, P2mDomainConfig config);

  std::optional<HostPhys> lookup(GuestPhys gpa) const override;
  HostPhys populate(GuestPhys gpa) override;
  PageSize backing_size(GuestPhys) const override { return config_.backing; }
  HostPhys ept_root() override { return root_; }
  int ept_levels() const override { return config_.levels; }
  bool owns(HostPhys hpa) const override;

 protected:
  // Where a new backing frame comes from; a VMM that tracks ownership overrides it.
  virtual HostPhys allocate_backing();

  HostMemory& mem_;
  P2mDomainConfig config_;

 private:
  HostPhys root_;
};

}  // namespace memvirt
