#include "kvm/guest_memory.hpp"

#include <fmt/format.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>

#include "workload/spec.hpp"

namespace memvirt {
namespace {

constexpr uint64_t kAlign = uint64_t{2} << 20;

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// hugetlb mappings come aligned from the kernel; anonymous ones are over-allocated and trimmed.
uint8_t* map_aligned(uint64_t bytes, HostBacking backing) {
  const int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
  if (backing == HostBacking::kHugetlb) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, flags | MAP_HUGETLB, -1, 0);
    if (p == MAP_FAILED)
      throw_errno(fmt::format("mmap(MAP_HUGETLB) of {} for the workload (is vm.nr_hugepages set?)",
                              format_size(bytes)));
    return static_cast<uint8_t*>(p);
  }
  void* p = mmap(nullptr, bytes + kAlign, PROT_READ | PROT_WRITE, flags, -1, 0);
  // The memory of the probe guest, or of the host process's own loop (`measure native`).
  if (p == MAP_FAILED) throw_errno(fmt::format("mmap of {} for the workload", format_size(bytes)));
  const auto raw = reinterpret_cast<uintptr_t>(p);
  const uintptr_t aligned = (raw + kAlign - 1) & ~(kAlign - 1);
  if (aligned > raw) munmap(p, aligned - raw);
  munmap(reinterpret_cast<void*>(aligned + bytes), raw + kAlign - aligned);
  return reinterpret_cast<uint8_t*>(aligned);
}

}  // namespace

std::string_view host_backing_name(HostBacking b) {
  switch (b) {
    case HostBacking::k4K: return "4k";
    case HostBacking::kTransparentHuge: return "thp";
    case HostBacking::kHugetlb: return "hugetlb";
  }
  return "?";
}

GuestMemory::GuestMemory(uint64_t bytes, HostBacking backing) : size_(bytes), backing_(backing) {
  if (bytes == 0 || bytes % 4096 != 0) {
    throw std::invalid_argument("guest memory size " + std::to_string(bytes) +
                                " is not a positive multiple of 4 KiB");
  }
  if (backing == HostBacking::kHugetlb && bytes % kAlign != 0) {
    throw std::invalid_argument("hugetlb guest memory must be a multiple of 2 MiB");
  }
  base_ = map_aligned(bytes, backing);
  const int advice = backing == HostBacking::k4K ? MADV_NOHUGEPAGE : MADV_HUGEPAGE;
  if (backing != HostBacking::kHugetlb && madvise(base_, size_, advice) != 0) {
    const int saved = errno;
    munmap(base_, size_);
    throw std::system_error(saved, std::generic_category(), "madvise of guest memory");
  }
}

GuestMemory::GuestMemory(GuestMemory&& other) noexcept
    : base_(std::exchange(other.base_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      backing_(other.backing_) {}

GuestMemory::~GuestMemory() {
  if (base_ != nullptr) munmap(base_, size_);
}

uint64_t GuestMemory::huge_bytes() const {
  return backing_ == HostBacking::kHugetlb ? size_ : anon_huge_bytes(base_);
}

uint64_t anon_huge_bytes(const void* start) {
  std::ifstream smaps("/proc/self/smaps");
  const auto want = reinterpret_cast<uintptr_t>(start);
  bool in_mapping = false;
  for (std::string line; std::getline(smaps, line);) {
    unsigned long lo = 0, hi = 0;
    // A mapping's header line is "lo-hi perms ..."; field lines start with a name and a colon.
    if (std::sscanf(line.c_str(), "%lx-%lx ", &lo, &hi) == 2 && line.find(':') > line.find(' ')) {
      in_mapping = lo <= want && want < hi;
      continue;
    }
    unsigned long kib = 0;
    if (in_mapping && std::sscanf(line.c_str(), "AnonHugePages: %lu kB", &kib) == 1) {
      return uint64_t{kib} << 10;
    }
  }
  return 0;
}

}  // namespace memvirt
