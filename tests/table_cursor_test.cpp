#include <gtest/gtest.h>

#include <map>
#include <utility>
#include <vector>

#include "arch/ept_entry.hpp"
#include "arch/pte.hpp"
#include "arch/table_cursor.hpp"

namespace memvirt {
namespace {

// A sparse memory of 8-byte words and a bump allocator of 4 KiB tables, enough to build trees.
struct Words {
  std::map<uint64_t, uint64_t> at;
  uint64_t next_table = 0x100000;
  std::vector<uint64_t> reads;

  uint64_t read(uint64_t a) {
    reads.push_back(a);
    const auto it = at.find(a);
    return it == at.end() ? 0 : it->second;
  }
  uint64_t table() { return (next_table += 0x1000); }
};

Pte table_pte(uint64_t t) { return Pte().set_present(true).set_writable(true).set_frame(t); }

auto cursor(Words& w, uint64_t root, int levels) {
  return table_cursor<Pte>(root, levels, [&w](uint64_t a) { return Pte(w.read(a)); });
}

// Makes missing tables as a kernel does; returns the new table.
auto maker(Words& w) {
  return [&w](const TableEntry<uint64_t, Pte>& e) {
    const uint64_t t = w.table();
    w.at[e.at] = table_pte(t).raw();
    return t;
  };
}

TEST(TableCursor, LeafTestIsTheSameForBothFormats) {
  for (int level = 1; level <= 5; ++level) {
    const bool expect = level <= 3;
    EXPECT_EQ(is_leaf_entry(Pte().set_present(true).set_large(true), level), expect) << level;
    EXPECT_EQ(is_leaf_entry(EptEntry().set_readable(true).set_large(true), level), expect)
        << level;
  }
  EXPECT_TRUE(is_leaf_entry(EptEntry().set_readable(true), 1));
  EXPECT_FALSE(is_leaf_entry(EptEntry().set_readable(true), 2));
}

TEST(TableCursor, EntryAddressIndexesEachLevel) {
  const uint64_t va = (uint64_t{3} << 39) | (uint64_t{5} << 30) | (uint64_t{7} << 21) |
                      (uint64_t{9} << 12) | 0x123;
  EXPECT_EQ(entry_address(uint64_t{0x5000}, va, 4), 0x5000u + 3 * 8);
  EXPECT_EQ(entry_address(uint64_t{0x5000}, va, 1), 0x5000u + 9 * 8);
}

TEST(TableCursor, EnsureMakesOnlyTheMissingTablesAndDescendFindsTheLeaf) {
  Words w;
  const uint64_t root = w.table();
  const auto tree = cursor(w, root, 4);
  const uint64_t va = 0x7f12'3456'7000;
  const uint64_t leaf = tree.ensure(va, 1, maker(w));
  EXPECT_EQ(w.next_table, root + 3 * 0x1000);  // PDPT, PD, PT
  // A neighbour in the same PT shares every table.
  EXPECT_EQ(tree.ensure(va + 0x1000, 1, maker(w)), leaf + 8);
  EXPECT_EQ(w.next_table, root + 3 * 0x1000);

  EXPECT_FALSE(tree.descend(va).present());  // the leaf entry is still empty
  EXPECT_EQ(tree.descend(va).at, leaf);
  w.at[leaf] = Pte().set_present(true).set_frame(0xabc000).raw();
  const auto found = tree.descend(va);
  EXPECT_TRUE(found.present());
  EXPECT_TRUE(found.leaf());
  EXPECT_EQ(found.level, 1);
  EXPECT_EQ(found.value.frame(), 0xabc000u);
}

TEST(TableCursor, DescendStopsAtALargeLeafAndReportsEveryEntrySeen) {
  Words w;
  const uint64_t root = w.table();
  const auto tree = cursor(w, root, 4);
  const uint64_t va = uint64_t{1} << 30;
  const uint64_t pde = tree.ensure(va, 2, maker(w));
  w.at[pde] = Pte().set_present(true).set_large(true).set_frame(0x40000000).raw();
  std::vector<int> levels;
  const auto e = tree.descend(va + 0x5000, 1, [&](const auto& seen) { levels.push_back(seen.level); });
  EXPECT_EQ(levels, (std::vector<int>{4, 3, 2}));
  EXPECT_EQ(e.level, 2);
  EXPECT_TRUE(e.leaf());
  // Asked to stop above it, the cursor stops there.
  EXPECT_EQ(tree.descend(va, 3).level, 3);
  EXPECT_TRUE(tree.descend(va, 3).table());
}

TEST(TableCursor, EnsureAsksForATableWhereALargerLeafIs) {
  Words w;
  const uint64_t root = w.table();
  const auto tree = cursor(w, root, 4);
  const uint64_t pde = tree.ensure(0, 2, maker(w));
  w.at[pde] = Pte().set_present(true).set_large(true).set_frame(0).raw();
  int asked = 0;
  tree.ensure(0x3000, 1, [&](const auto& e) {
    ++asked;
    EXPECT_EQ(e.at, pde);
    EXPECT_TRUE(e.leaf());
    return maker(w)(e);
  });
  EXPECT_EQ(asked, 1);
}

TEST(TableCursor, VisitGoesInAddressOrderAndPostOrderOverTheRangeOnly) {
  Words w;
  const uint64_t root = w.table();
  const auto tree = cursor(w, root, 4);
  const std::vector<uint64_t> pages = {0x1000, 0x2000, 0x40000000, 0x40200000, 0x8000'0000'0000 - 0x1000};
  for (uint64_t va : pages) w.at[tree.ensure(va, 1, maker(w))] = Pte().set_present(true).raw();
  std::vector<uint64_t> leaves;
  std::vector<std::pair<int, uint64_t>> tables;
  auto visit = [&](uint64_t start, uint64_t end, int lowest = 1) {
    leaves.clear();
    tables.clear();
    tree.visit(
        start, end, [&](const auto&, uint64_t base) { leaves.push_back(base); },
        [&](const auto& e, uint64_t base) { tables.emplace_back(e.level, base); }, lowest);
  };
  visit(0, kEveryAddress);
  EXPECT_EQ(leaves, pages);
  // The PT of the first two pages closes before its PD, that before its PDPT.
  ASSERT_GE(tables.size(), 3u);
  EXPECT_EQ(tables[0], std::make_pair(2, uint64_t{0}));
  EXPECT_EQ(tables[1], std::make_pair(3, uint64_t{0}));

  visit(0x2000, 0x40200001);
  EXPECT_EQ(leaves, (std::vector<uint64_t>{0x2000, 0x40000000, 0x40200000}));

  // With lowest = 2, the PTs are not read at all.
  const std::vector<uint64_t> pts = {tree.descend(0x1000, 2).child(),
                                     tree.descend(0x40000000, 2).child()};
  w.reads.clear();
  visit(0, kEveryAddress, 2);
  EXPECT_TRUE(leaves.empty());
  EXPECT_FALSE(w.reads.empty());
  for (uint64_t a : w.reads)
    for (uint64_t pt : pts) EXPECT_NE(a & ~uint64_t{0xfff}, pt);
}

}  // namespace
}  // namespace memvirt
