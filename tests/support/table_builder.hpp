#pragma once
// Builds IA-32e and EPT tables by hand in host memory, so walker tests control every entry.
#include <vector>

#include "arch/ept_entry.hpp"
#include "arch/paging.hpp"
#include "arch/pte.hpp"
#include "memory/host_memory.hpp"

namespace memvirt::test {

// A tree of tables stored in host memory whose entries point to tables by their address in
// the tree's own physical space: host address + `space_offset` (0 for host-physical trees;
// guest tables under nested paging use an offset, so gPA and hPA never coincide by accident).
class TableBuilder {
 public:
  TableBuilder(HostMemory& mem, int levels, uint64_t space_offset = 0)
      : mem_(mem), levels_(levels), offset_(space_offset) {
    root_ = mem_.allocate(PageSize::k4K, FrameRole::kGuestPageTable);
    tables_.push_back(root_);
  }

  HostPhys root() const { return root_; }
  uint64_t root_in_space() const { return root_.raw() + offset_; }
  uint64_t offset() const { return offset_; }
  // Every table page, by host address.
  const std::vector<HostPhys>& tables() const { return tables_; }
  // Table pages in visiting order of the last map() call, root first.
  const std::vector<HostPhys>& last_path() const { return path_; }

  // Maps [va, va + size) to `frame`; `leaf` supplies the leaf's permission bits.
  void map(uint64_t va, uint64_t frame, PageSize size, uint64_t leaf_bits) {
    path_.clear();
    HostPhys table = root_;
    for (int level = levels_; level > leaf_level(size); --level) {
      path_.push_back(table);
      const HostPhys e = table + table_index(va, level) * 8u;
      uint64_t raw = mem_.read(e);
      if (raw == 0) {
        const HostPhys child = mem_.allocate(PageSize::k4K, FrameRole::kGuestPageTable);
        tables_.push_back(child);
        raw = (child.raw() + offset_) | table_bits();
        mem_.write(e, raw);
      }
      table = HostPhys((raw & kFrameMask) - offset_);
    }
    path_.push_back(table);
    const uint64_t large = size == PageSize::k4K ? 0 : (uint64_t{1} << 7);
    mem_.write(table + table_index(va, leaf_level(size)) * 8u, frame | leaf_bits | large);
  }

  // Host address of the entry for `va` at `level`.
  HostPhys entry_of(uint64_t va, int level) const {
    HostPhys table = root_;
    for (int l = levels_; l > level; --l)
      table = HostPhys((mem_.read(table + table_index(va, l) * 8u) & kFrameMask) - offset_);
    return table + table_index(va, level) * 8u;
  }

  // Present | writable | user for IA-32e; read | write | execute for EPT: the same bits.
  static constexpr uint64_t table_bits() { return 0x7; }

 private:
  HostMemory& mem_;
  int levels_;
  uint64_t offset_;
  HostPhys root_;
  std::vector<HostPhys> path_;
  std::vector<HostPhys> tables_;
};

inline constexpr uint64_t kUserRw = 0x7;       // P | RW | US
inline constexpr uint64_t kUserRo = 0x5;       // P | US
inline constexpr uint64_t kKernelRw = 0x3;     // P | RW
inline constexpr uint64_t kEptRwx = 0x7 | (6u << 3);  // R | W | X, write-back

}  // namespace memvirt::test
