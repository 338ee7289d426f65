#pragma once
// Ctrl-C during a live run: the first SIGINT kills the traced program, so that its trace ends
// there and memvirt reports what it simulated up to that point; a second SIGINT ends memvirt
// the way the handler before this one would (SignalCleanup's: temporaries removed, then the
// signal's own exit). Only one InterruptStop exists at a time.
#include <sys/types.h>

namespace memvirt {

class InterruptStop {
 public:
  InterruptStop();   // installs the handler, unless SIGINT is ignored (then Ctrl-C does nothing)
  ~InterruptStop();  // puts the previous handler back
  InterruptStop(const InterruptStop&) = delete;
  InterruptStop& operator=(const InterruptStop&) = delete;

  // The process the first SIGINT kills (SIGKILL); 0 once it has been reaped.
  static void watch(pid_t pid);
  // Whether a SIGINT came since this object was made.
  static bool requested();
};

}  // namespace memvirt
