#pragma once
// What an exception says to a user. std::bad_alloc says only "std::bad_alloc": the text here says
// which memory ran out (the simulator's own, not the simulated machine's, whose exhaustion is an
// OutOfMemory naming it) and what to change.
#include <exception>
#include <new>
#include <string>

namespace memvirt {

inline std::string error_text(const std::exception& e) {
  if (dynamic_cast<const std::bad_alloc*>(&e))
    return "out of memory: the simulator's own state (the page tables, TLBs and caches it keeps "
           "for the simulated machine) outgrew the memory this process may use (RAM, or "
           "`ulimit -v`); a smaller working set, fewer steps, or fewer VMs and vCPUs need less";
  return e.what();
}

}  // namespace memvirt
