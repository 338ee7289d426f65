#pragma once
// One step of a workload: a memory access or an operation on the guest's address spaces.
#include <cstdint>

#include "arch/address.hpp"
#include "arch/page_size.hpp"
#include "os/prot.hpp"

namespace memvirt {

enum class EventKind : uint8_t {
  kRead,      // load from addr by pid
  kWrite,     // store to addr by pid
  kExecute,   // instruction fetch from addr by pid
  kMmap,      // map [addr, addr+length) in pid with prot, backed by pages of `page` size;
              // with `region` != 0, map shared-memory object `region` (same frames in every process)
  kMunmap,    // unmap [addr, addr+length) in pid
  kMprotect,  // change protection of [addr, addr+length) in pid to prot
  kSwitch,    // make pid the running process (a CR3 write)
  kFork,      // pid forks; the child gets pid `child`
  kExit,      // pid exits, freeing its address space
  kExec,      // pid replaces its address space with an empty one
  kVmSwitch,  // the physical CPU switches to VM `child` (multi-VM runs)
};

struct Event {
  EventKind kind = EventKind::kRead;
  uint8_t prot = kProtNone;
  PageSize page = PageSize::k4K;
  uint32_t pid = 0;
  uint32_t child = 0;   // kFork: the child's pid; kVmSwitch: the VM
  uint32_t region = 0;  // kMmap: shared-memory object, 0 for private anonymous memory
  GuestVirt addr;
  uint64_t length = 0;
};

constexpr bool is_access(EventKind k) { return k <= EventKind::kExecute; }

}  // namespace memvirt
