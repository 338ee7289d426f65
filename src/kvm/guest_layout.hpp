#pragma once
// Where everything sits in the probe guest. Guest-physical memory is two memslots:
//   low (slot 0, from gPA 0): GDT (0x1000), TSS (0x2000), mailbox (0x5000), probe image, stack and the page tables, all
//       mapped at gVA == gPA with 4 KiB pages;
//   data (slot 1, from kDataGpa = 1 GiB, so a 1 GiB guest page can map it): the working set,
//       mapped at gVA kWorkloadRegionBase (16 TiB) as the simulator's generators map theirs,
//       with the guest page size under test.
// kMmioGpa has no memslot: a guest store there is an MMIO exit.
#include <cstdint>

#include "arch/address.hpp"
#include "arch/page_size.hpp"
#include "guest/probe_abi.hpp"
#include "workload/workload.hpp"

namespace memvirt {

inline constexpr GuestPhys kGdtGpa{0x1000};
inline constexpr GuestPhys kTssGpa{0x2000};
inline constexpr uint64_t kTssBytes = 0x3000;  // 104-byte TSS + an I/O bitmap for all ports
inline constexpr GuestPhys kMailboxGpa{0x5000};
inline constexpr GuestPhys kProbeImageGpa{probe::kProbeLoadAddress};
inline constexpr uint64_t kProbeImageBytes = probe::kProbeImageLimit;
inline constexpr GuestPhys kStackGpa{0x20000};
inline constexpr uint64_t kStackBytes = 0x10000;
inline constexpr GuestPhys kTableAreaGpa{0x100000};
inline constexpr GuestPhys kMmioGpa{0x3FFFF000};
inline constexpr GuestPhys kDataGpa{uint64_t{1} << 30};
inline constexpr GuestVirt kDataGva{kWorkloadRegionBase};

// Low-region addresses are identity-mapped.
constexpr GuestVirt low_gva(GuestPhys gpa) { return GuestVirt(gpa.raw()); }

struct GuestLayout {
  PageSize guest_page = PageSize::k4K;
  uint64_t data_bytes = 0;   // the working set rounded up to whole guest pages
  uint64_t table_bytes = 0;  // room for every page-table page
  uint64_t low_bytes = 0;    // size of the low memslot

  // Room for the tables of `working_set` bytes mapped with `page`.
  static GuestLayout for_working_set(uint64_t working_set, PageSize page) {
    GuestLayout l;
    l.guest_page = page;
    const uint64_t mask = page_bytes(page) - 1;
    l.data_bytes = (working_set + mask) & ~mask;
    // One table per 2 MiB (PTs), per 1 GiB (PDs), per 512 GiB (PDPTs) of data, plus the low
    // region's own PML4, PDPT, PD and PTs and slack for range ends.
    const uint64_t data_tables = (l.data_bytes >> 21) + (l.data_bytes >> 30) + (l.data_bytes >> 39);
    l.table_bytes = (data_tables + 16) * kTableBytes;
    l.low_bytes = kTableAreaGpa.raw() + l.table_bytes;
    return l;
  }
};

}  // namespace memvirt
