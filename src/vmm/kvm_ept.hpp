#pragma once
// KVM's EPT for one VM: a real EPT-format tree in host memory that starts empty and is filled
// entry by entry on EPT violations, each leaf copying the host's mapping of the memslot (so a
// host huge page becomes a huge EPT leaf), and zapped when the host mapping changes.
#include <cstdint>

#include "arch/ept_entry.hpp"
#include "arch/table_cursor.hpp"
#include "memory/host_memory.hpp"

namespace memvirt {

class KvmEpt {
 public:
  KvmEpt(HostMemory& mem, int levels);
  ~KvmEpt();
  KvmEpt(const KvmEpt&) = delete;
  KvmEpt& operator=(const KvmEpt&) = delete;

  HostPhys root() const { return root_; }
  int levels() const { return levels_; }
  // Maps the `size` page holding `gpa` to the host frame `frame` (both aligned to `size`).
  void map(GuestPhys gpa, HostPhys frame, PageSize size);
  // Drops every leaf that overlaps [start, start + bytes); returns how many.
  uint64_t zap(GuestPhys start, uint64_t bytes);

 private:
  // The subtree at `table` of `level`, read from host memory.
  auto tree(HostPhys table, int level) const {
    return table_cursor<EptEntry>(table, level, [this](HostPhys e) { return EptEntry(mem_.read(e)); });
  }
  void free_tree(HostPhys table, int level);
  // Clears `entry` at `level`, freeing the tables below it.
  void clear(HostPhys entry, int level);

  HostMemory& mem_;
  int levels_;
  HostPhys root_;
};

}  // namespace memvirt
