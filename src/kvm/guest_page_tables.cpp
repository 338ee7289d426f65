#include "kvm/guest_page_tables.hpp"

#include <fmt/format.h>

#include <cstring>
#include <stdexcept>

#include "arch/paging.hpp"
#include "arch/pte.hpp"
#include "arch/table_cursor.hpp"

namespace memvirt {
namespace {

constexpr int kLevels = 4;

// Accessed and dirty are set up front: the guest then never writes its own tables, which under
// shadow paging (this machine's PVM) would be a trap to the VMM per first touch of a page.
Pte leaf_entry(GuestPhys pa, PageSize size, MapFlags flags) {
  Pte e;
  e.set_present(true).set_writable(flags.writable).set_user(flags.user).set_accessed(true);
  e.set_dirty(true).set_large(size != PageSize::k4K).set_frame(pa.raw());
  return e;
}

// Permissions are decided at the leaf; upper levels allow everything.
Pte table_entry(GuestPhys table) {
  Pte e;
  e.set_present(true).set_writable(true).set_user(true).set_accessed(true).set_frame(table.raw());
  return e;
}

}  // namespace

GuestPageTables::GuestPageTables(std::span<uint8_t> memory, GuestPhys area, uint64_t area_bytes)
    : memory_(memory), area_(area), end_(area + area_bytes), next_(area) {
  if (!area.aligned_to(kTableBytes) || end_.raw() > memory.size()) {
    throw std::invalid_argument(fmt::format(
        "page-table area [{:#x}, {:#x}) is unaligned or outside guest memory of {:#x} bytes",
        area.raw(), end_.raw(), memory.size()));
  }
  root_ = allocate_table();
}

GuestPhys GuestPageTables::allocate_table() {
  if (next_ + kTableBytes > end_) {
    throw std::invalid_argument(fmt::format("guest page-table area of {} KiB is full",
                                            (end_ - area_) >> 10));
  }
  const GuestPhys table = next_;
  next_ += kTableBytes;
  std::memset(memory_.data() + table.raw(), 0, kTableBytes);
  return table;
}

uint64_t GuestPageTables::read(GuestPhys entry) const {
  uint64_t value = 0;
  std::memcpy(&value, memory_.data() + entry.raw(), sizeof value);
  return value;
}

void GuestPageTables::write(GuestPhys entry, uint64_t value) {
  std::memcpy(memory_.data() + entry.raw(), &value, sizeof value);
}

void GuestPageTables::map(GuestVirt va, GuestPhys pa, uint64_t bytes, PageSize size,
                          MapFlags flags) {
  const uint64_t page = page_bytes(size);
  if (!va.aligned_to(page) || !pa.aligned_to(page) || bytes % page != 0) {
    throw std::invalid_argument(fmt::format(
        "map gVA {:#x} -> gPA {:#x}, {:#x} bytes: not aligned to {} pages", va.raw(), pa.raw(),
        bytes, page_size_name(size)));
  }
  if (va.raw() + bytes > user_space_end(kLevels)) {
    throw std::invalid_argument(
        fmt::format("map gVA {:#x}: past the 47-bit user half of 4-level paging", va.raw()));
  }
  for (uint64_t offset = 0; offset < bytes; offset += page) {
    map_page(va + offset, pa + offset, size, flags);
  }
}

void GuestPageTables::map_page(GuestVirt va, GuestPhys pa, PageSize size, MapFlags flags) {
  const auto tree = table_cursor<Pte>(root_, kLevels, [this](GuestPhys e) { return Pte(read(e)); });
  const GuestPhys entry = tree.ensure(va.raw(), leaf_level(size), [&](const auto& e) {
    if (e.present())
      throw std::invalid_argument(fmt::format("gVA {:#x} is inside a larger page", va.raw()));
    const GuestPhys table = allocate_table();
    write(e.at, table_entry(table).raw());
    return table;
  });
  if (Pte(read(entry)).present())
    throw std::invalid_argument(fmt::format("gVA {:#x} is already mapped", va.raw()));
  write(entry, leaf_entry(pa, size, flags).raw());
}

}  // namespace memvirt
