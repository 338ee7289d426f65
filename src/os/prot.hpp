#pragma once
#include <cstdint>

namespace memvirt {

// mmap/mprotect protection bits.
enum Prot : uint8_t { kProtNone = 0, kProtRead = 1, kProtWrite = 2, kProtExec = 4 };

}  // namespace memvirt
