#pragma once
// The hand-made preset nearest to the machine: where the fields that neither CPUID nor a
// measurement gives (paging-structure caches, nested TLB, VM exit and fault costs, replacement,
// prefetch depth) come from, each then marked in the calibrated preset's sources as an
// assumption taken from it.
#include <string>

#include "kvm/host_cpu.hpp"

namespace memvirt {

struct BasePreset {
  std::string name;  // zen3, zen4, icelake, skylake
  std::string why;   // "AMD family 25 model 17 is Zen 4 (Genoa, Raphael, Phoenix, Bergamo)"
};

// By vendor, family and model: AMD family 25 models of Zen 4 and any later family: zen4, other
// AMD (and Hygon): zen3; Intel family 6 models of the Skylake generation (and older): skylake,
// Ice Lake and later: icelake; any other vendor: skylake, said so.
BasePreset nearest_preset(const HostCpu& cpu);

}  // namespace memvirt
