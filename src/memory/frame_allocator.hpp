#pragma once
// Physical frame allocator over one address space [0, bytes): hands out naturally aligned
// 4 KiB, 2 MiB and 1 GiB frames. Small frames are carved from a larger one; freed frames go to a
// LIFO list per size, so the same call sequence always yields the same frames.
#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "arch/address.hpp"
#include "arch/page_size.hpp"

namespace memvirt {

class OutOfMemory : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <typename Addr>
class FrameAllocator {
 public:
  // `name` labels the space in error messages ("guest-physical", "host-physical").
  FrameAllocator(std::string name, uint64_t bytes) : name_(std::move(name)), bytes_(bytes) {
    if (bytes == 0 || bytes % page_bytes(PageSize::k1G) != 0)
      throw std::invalid_argument(name_ + " memory size must be a non-zero multiple of 1 GiB");
  }

  Addr allocate(PageSize size) {
    auto& list = free_[idx(size)];
    if (!list.empty()) {
      const Addr a = list.back();
      list.pop_back();
      in_use_ += page_bytes(size);
      return a;
    }
    if (size == PageSize::k1G) {
      if (next_1g_ + page_bytes(size) > bytes_)
        throw OutOfMemory(name_ + " memory exhausted (" + std::to_string(bytes_ >> 30) + " GiB)");
      const Addr a(next_1g_);
      next_1g_ += page_bytes(size);
      in_use_ += page_bytes(size);
      return a;
    }
    // Split one frame of the next size up into smaller ones.
    const auto bigger = static_cast<PageSize>(idx(size) + 1);
    const Addr block = allocate(bigger);
    in_use_ -= page_bytes(bigger);
    for (uint64_t off = page_bytes(bigger); off > page_bytes(size); off -= page_bytes(size))
      list.push_back(block + (off - page_bytes(size)));
    in_use_ += page_bytes(size);
    return block;
  }

  void free(Addr frame, PageSize size) {
    free_[idx(size)].push_back(frame);
    in_use_ -= page_bytes(size);
  }

  uint64_t bytes_in_use() const { return in_use_; }
  uint64_t capacity() const { return bytes_; }

 private:
  static size_t idx(PageSize s) { return static_cast<size_t>(s); }

  std::string name_;
  uint64_t bytes_;
  uint64_t next_1g_ = 0;
  uint64_t in_use_ = 0;
  std::array<std::vector<Addr>, kPageSizeCount> free_;
};

}  // namespace memvirt
