#pragma once
// A VM's guest-physical memory: where each guest-physical frame lives in host-physical memory.
// Xen's VMM hands host frames out itself and records them in a per-domain p2m table; under KVM
// guest memory is memory of a host process (memslot: gPA -> hVA, host page tables: hVA -> hPA).
#include <cstdint>
#include <functional>
#include <optional>

#include "arch/address.hpp"
#include "arch/counter_list.hpp"
#include "arch/page_size.hpp"

namespace memvirt {

struct DomainStats {
  uint64_t populated_bytes = 0;  // guest-physical memory backed by host frames
  uint64_t populations = 0;
  uint64_t invalidations = 0;    // backing changes the VMM had to follow (KVM: host munmap)
};

constexpr auto counter_list(const DomainStats*) {
  using C = Counter<DomainStats>;
  return std::array{
      C{"populated_bytes", CounterKind::kLevel, "bytes",
        "guest-physical memory backed by host frames at the end", &DomainStats::populated_bytes},
      C{"populations", CounterKind::kCount, "pages", "guest pages given host frames",
        &DomainStats::populations},
      C{"invalidations", CounterKind::kCount, "ranges",
        "backing changes the VMM had to follow (KVM: host munmap)", &DomainStats::invalidations},
  };
}

class Domain {
 public:
  // Called when the backing of [start, start + bytes) changed under the VM (KVM: a host munmap
  // or a page migration), so that whatever the VMM derived from it is dropped.
  using InvalidationListener = std::function<void(GuestPhys start, uint64_t bytes)>;

  explicit Domain(uint16_t vm) : vm_(vm) {}
  virtual ~Domain() = default;

  // Host-physical address of `gpa` if backed.
  virtual std::optional<HostPhys> lookup(GuestPhys gpa) const = 0;
  // Host-physical address of `gpa`, backing its frame on first use.
  virtual HostPhys populate(GuestPhys gpa) = 0;
  // Largest page of host memory that backs `gpa` contiguously (after populate).
  virtual PageSize backing_size(GuestPhys gpa) const = 0;
  // Root and levels of the EPT-format tree the hardware walks under nested paging.
  virtual HostPhys ept_root() = 0;
  virtual int ept_levels() const = 0;
  // Whether the VM was given host frame `hpa` (Xen: no guest may map another's frames).
  virtual bool owns(HostPhys hpa) const = 0;

  void on_invalidate(InvalidationListener l) { listener_ = std::move(l); }
  uint16_t vm() const { return vm_; }
  const DomainStats& stats() const { return stats_; }

 protected:
  void invalidated(GuestPhys start, uint64_t bytes) {
    ++stats_.invalidations;
    if (listener_) listener_(start, bytes);
  }
  DomainStats stats_;

 private:
  uint16_t vm_;
  InvalidationListener listener_;
};

}  // namespace memvirt
