#pragma once
// The one way through a radix tree of 512-entry tables, for both entry formats (IA-32e and EPT)
// and every memory that holds tables (the simulated host memory, a guest kernel's view through
// its VMM, a guest's memory image). Walks, fills and sweeps all go through it, so the index
// arithmetic and the leaf test are written once.
#include <cstdint>
#include <limits>

#include "arch/page_size.hpp"
#include "arch/paging.hpp"

namespace memvirt {

// An entry maps a page, rather than pointing to a table, at level 1, or with PS set at the PD and
// PDPT levels. PS is reserved above them in both formats, so a set PS there is not a leaf (the
// walker faults on it).
template <typename Entry>
constexpr bool is_leaf_entry(Entry e, int level) {
  return level == 1 || (e.large() && level <= 3);
}

// Where the entry translating `address` sits in the table at `table` of `level`. `Addr` is an
// address type or a raw uint64_t.
template <typename Addr>
constexpr Addr entry_address(Addr table, uint64_t address, int level) {
  return table + uint64_t{table_index(address, level)} * 8u;
}

// The end of a range that takes every address: a visit of [0, kEveryAddress) sees a whole tree.
inline constexpr uint64_t kEveryAddress = std::numeric_limits<uint64_t>::max();

// One entry as a cursor found it.
template <typename Addr, typename Entry>
struct TableEntry {
  Addr at;      // the entry's own address
  Entry value;  // what it holds
  int level;    // of the table it is in (1 = PT)

  bool present() const { return value.present(); }
  bool leaf() const { return is_leaf_entry(value, level); }
  // A present entry that points to a table one level down.
  bool table() const { return present() && !leaf(); }
  Addr child() const { return Addr(value.frame()); }
};

// A tree of tables whose root is at level `levels`, read through `read(Addr) -> Entry`. A subtree
// is a tree too: its root table and that table's level.
template <typename Addr, typename Entry, typename Read>
class TableCursor {
 public:
  using Found = TableEntry<Addr, Entry>;

  TableCursor(Addr root, int levels, Read read) : root_(root), levels_(levels), read_(read) {}

  Found at(Addr table, uint64_t address, int level) const {
    const Addr e = entry_address(table, address, level);
    return {e, read_(e), level};
  }

  // The entries from the root toward `address`, each passed to seen(const Found&) in turn; stops at
  // the first entry that is absent, a leaf, or at level `stop`, and returns it.
  template <typename Seen>
  Found descend(uint64_t address, int stop, Seen&& seen) const {
    Addr table = root_;
    for (int level = levels_;; --level) {
      const Found e = at(table, address, level);
      seen(e);
      if (level == stop || !e.table()) return e;
      table = e.child();
    }
  }
  Found descend(uint64_t address, int stop = 1) const {
    return descend(address, stop, [](const Found&) {});
  }

  // The address of the entry of `address` at `level`; at each level above it, next(const Found&)
  // gives the table one level down (it may create it, and write the entry).
  template <typename Next>
  Addr follow(uint64_t address, int level, Next&& next) const {
    Addr table = root_;
    for (int l = levels_; l > level; --l) table = next(at(table, address, l));
    return entry_address(table, address, level);
  }

  // As follow, going down through present tables; make(const Found&) is asked for the table where
  // an entry is absent or maps a larger page.
  template <typename Make>
  Addr ensure(uint64_t address, int level, Make&& make) const {
    return follow(address, level, [&](const Found& e) { return e.table() ? e.child() : make(e); });
  }

  // Visits the present entries overlapping [start, end), in address order: leaf(const Found&, base)
  // for an entry that maps a page at `base`; for one that points to a table, that table's
  // entries, then after(const Found&, base). The tables at levels below `lowest` are not read:
  // their entries are passed over.
  template <typename Leaf, typename After>
  void visit(uint64_t start, uint64_t end, Leaf&& leaf, After&& after, int lowest = 1) const {
    visit_table(root_, levels_, 0, start, end, leaf, after, lowest);
  }

 private:
  template <typename Leaf, typename After>
  void visit_table(Addr table, int level, uint64_t base, uint64_t start, uint64_t end, Leaf& leaf,
                   After& after, int lowest) const {
    if (level < lowest) return;
    const uint64_t span = level_span(level);
    for (unsigned i = 0; i < kEntriesPerTable; ++i) {
      const uint64_t lo = base + i * span;
      if (lo + span <= start || lo >= end) continue;
      const Addr a = table + uint64_t{i} * 8u;
      const Found e{a, read_(a), level};
      if (!e.present()) continue;
      if (e.leaf()) {
        leaf(e, lo);
      } else {
        visit_table(e.child(), level - 1, lo, start, end, leaf, after, lowest);
        after(e, lo);
      }
    }
  }

  Addr root_;
  int levels_;
  Read read_;
};

// A cursor over the tree at `root` of `levels` levels whose entries are `Entry`.
template <typename Entry, typename Addr, typename Read>
TableCursor<Addr, Entry, Read> table_cursor(Addr root, int levels, Read read) {
  return TableCursor<Addr, Entry, Read>(root, levels, read);
}

}  // namespace memvirt
