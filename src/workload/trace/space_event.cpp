#include "workload/trace/space_event.hpp"

namespace memvirt {

const char* space_event_name(SpaceEventKind kind) {
  switch (kind) {
    case SpaceEventKind::kMmap:
      return "mmap";
    case SpaceEventKind::kMunmap:
      return "munmap";
    case SpaceEventKind::kMprotect:
      return "mprotect";
    case SpaceEventKind::kMremap:
      return "mremap";
    case SpaceEventKind::kBrk:
      return "brk";
    case SpaceEventKind::kMadvise:
      return "madvise";
    case SpaceEventKind::kFork:
      return "fork";
    case SpaceEventKind::kThread:
      return "thread";
    case SpaceEventKind::kExec:
      return "exec";
    case SpaceEventKind::kExit:
      return "exit";
  }
  return "?";
}

}  // namespace memvirt
