#pragma once
// An allocator for the simulator's own large arrays (cache tag arrays, stored page-table pages):
// blocks of 2 MiB or more are 2 MiB aligned and advised to be backed by transparent huge pages.
// A random walk over a simulated LLC's tags or a GiB's page tables otherwise takes a host TLB
// miss on almost every access, and where the simulator itself runs in a VM each of those is a
// two-dimensional walk of its own.
#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <new>

namespace memvirt {

inline constexpr size_t kHugePageBytes = size_t{2} << 20;

// `bytes` of storage; huge-page backed (where the kernel allows) from 2 MiB up.
inline void* allocate_maybe_huge(size_t bytes) {
  if (bytes < kHugePageBytes) {
    void* p = std::malloc(bytes ? bytes : 1);
    if (!p) throw std::bad_alloc();
    return p;
  }
  const size_t rounded = (bytes + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
  void* p = std::aligned_alloc(kHugePageBytes, rounded);
  if (!p) throw std::bad_alloc();
  madvise(p, rounded, MADV_HUGEPAGE);  // advice only: without THP the memory works the same
  return p;
}

template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: converting, as allocators are

  T* allocate(size_t n) { return static_cast<T*>(allocate_maybe_huge(n * sizeof(T))); }
  void deallocate(T* p, size_t) { std::free(p); }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
};

}  // namespace memvirt
