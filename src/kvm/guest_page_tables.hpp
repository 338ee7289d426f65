#pragma once
// Builds 4-level IA-32e page tables in guest memory, as a guest kernel would: real entries
// (arch/pte.hpp) in table pages taken from an area of guest-physical memory. The VMM fills
// them before the guest runs; memvirt's own walker can read them back (tests do).
#include <cstdint>
#include <span>

#include "arch/address.hpp"
#include "arch/page_size.hpp"

namespace memvirt {

struct MapFlags {
  bool writable = true;
  bool user = true;
};

class GuestPageTables {
 public:
  // `memory` is guest-physical memory from gPA 0; tables come from [area, area + area_bytes).
  GuestPageTables(std::span<uint8_t> memory, GuestPhys area, uint64_t area_bytes);

  GuestPhys root() const { return root_; }  // what CR3 holds
  uint64_t tables_used() const { return (next_ - area_) / kTableBytes; }

  // Maps [va, va + bytes) to [pa, pa + bytes) with pages of `size`; both ends aligned to it.
  // Throws std::invalid_argument on misalignment, an address past 48 bits, an overlap with an
  // existing mapping, or a full table area.
  void map(GuestVirt va, GuestPhys pa, uint64_t bytes, PageSize size, MapFlags flags);

 private:
  void map_page(GuestVirt va, GuestPhys pa, PageSize size, MapFlags flags);
  GuestPhys allocate_table();
  uint64_t read(GuestPhys entry) const;
  void write(GuestPhys entry, uint64_t value);

  std::span<uint8_t> memory_;
  GuestPhys area_;
  GuestPhys end_;
  GuestPhys next_;
  GuestPhys root_;
};

}  // namespace memvirt
