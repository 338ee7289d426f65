#pragma once
// Guest-physical memory as the KVM model has it: plain anonymous memory of the VMM process
// (gPA -> hVA -> hPA), registered with KVM as a memslot. Its host page size is a choice: the host
// pages behind guest memory decide the nested (or shadow) translation's page size.
#include <cstdint>
#include <span>
#include <string_view>

namespace memvirt {

enum class HostBacking : uint8_t {
  k4K,              // MADV_NOHUGEPAGE: 4 KiB host pages only
  kTransparentHuge, // MADV_HUGEPAGE: 2 MiB where the kernel finds them (check with smaps)
  kHugetlb,         // MAP_HUGETLB: 2 MiB pages from the hugetlbfs pool, or the mmap fails
};

std::string_view host_backing_name(HostBacking b);

class GuestMemory {
 public:
  // Maps `bytes` (a multiple of 4 KiB) at a 2 MiB aligned host address, so that a 2 MiB guest
  // page can sit on one 2 MiB host page. Throws std::system_error naming mmap or madvise.
  GuestMemory(uint64_t bytes, HostBacking backing);
  GuestMemory(GuestMemory&& other) noexcept;
  GuestMemory& operator=(GuestMemory&&) = delete;
  GuestMemory(const GuestMemory&) = delete;
  GuestMemory& operator=(const GuestMemory&) = delete;
  ~GuestMemory();

  std::span<uint8_t> bytes() const { return {base_, size_}; }
  uint8_t* data() const { return base_; }
  uint64_t size() const { return size_; }
  HostBacking backing() const { return backing_; }
  // Bytes of this mapping that the kernel backs with huge pages now (AnonHugePages in smaps).
  uint64_t huge_bytes() const;

 private:
  uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
  HostBacking backing_;
};

// AnonHugePages of the mapping that starts at `start`, from /proc/self/smaps; 0 if not found.
uint64_t anon_huge_bytes(const void* start);

}  // namespace memvirt
