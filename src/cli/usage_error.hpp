#pragma once
// A request that cannot be run as asked, found after parsing (when the flags together, or the
// workload with the machine, do not fit): exit 2 like any other usage error, before any work.
#include <stdexcept>

namespace memvirt {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace memvirt
