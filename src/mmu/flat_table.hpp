#pragma once
// A flat nested table (Ahn, Jin and Huh, "Revisiting Hardware-Assisted Page Walks for
// Virtualized Systems", ISCA 2012): the nested dimension as one array of 8-byte EPT-format
// entries indexed by guest frame number, so a nested translation is one reference instead of a
// walk of four. The array is kept in 2 MiB host frames, each holding the entries of 1 GiB of guest
// memory, made as the guest's memory is first backed; the hardware reads it from its base.
#include <cstdint>
#include <optional>
#include <vector>

#include "arch/address.hpp"

namespace memvirt {

struct FlatTable {
  static constexpr uint64_t kEntriesPerChunk = uint64_t{1} << 18;  // 2 MiB of 8-byte entries

  uint64_t id = 0;  // tells the VMs' tables apart in the nested TLB
  std::vector<std::optional<HostPhys>> chunks;

  // Where the entry of `gpa`'s 4 KiB frame is, if its chunk exists.
  std::optional<HostPhys> entry_of(GuestPhys gpa) const {
    const uint64_t frame = gpa.raw() >> 12;
    const uint64_t chunk = frame / kEntriesPerChunk;
    if (chunk >= chunks.size() || !chunks[chunk]) return std::nullopt;
    return *chunks[chunk] + (frame % kEntriesPerChunk) * 8;
  }
};

}  // namespace memvirt
