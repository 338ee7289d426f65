#pragma once
// A virtual memory area: a range of one address space with one protection and one backing
// page size.
#include <cstdint>

#include "arch/address.hpp"
#include "arch/page_size.hpp"
#include "os/prot.hpp"

namespace memvirt {

struct Vma {
  GuestVirt start;
  GuestVirt end;  // exclusive
  uint8_t prot = kProtNone;
  PageSize page = PageSize::k4K;
  uint32_t shm = 0;   // shared-memory object mapped here; 0 for private anonymous memory
  GuestVirt shm_base; // where the object's first byte would be mapped (kept across splits)

  bool contains(GuestVirt va) const { return va >= start && va < end; }
  bool readable() const { return prot & kProtRead; }
  bool writable() const { return prot & kProtWrite; }
  bool executable() const { return prot & kProtExec; }
};

}  // namespace memvirt
