#pragma once
// A simulated machine under the KVM model, reached into by tests: its host and the VM's domain.
#include "sim/machine.hpp"
#include "vmm/kvm_host.hpp"

namespace memvirt::test {

inline KvmHost& kvm(Machine& m) { return dynamic_cast<KvmHost&>(*m.vmm_host()); }
inline KvmDomain& domain(Machine& m) {
  return dynamic_cast<KvmDomain&>(*m.hypervisor().domain());
}

}  // namespace memvirt::test
