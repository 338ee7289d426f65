// FrameTable: per-frame entries in blocks allocated on first write.
#include "memory/frame_table.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>

namespace memvirt {
namespace {

TEST(FrameTable, UnwrittenEntriesReadAsDefault) {
  FrameTable<uint64_t> t;
  EXPECT_EQ(t.get(0), 0u);
  EXPECT_EQ(t.get(uint64_t{1} << 28), 0u);
  t.at(5) = 7;
  EXPECT_EQ(t.get(4), 0u);  // same block, never written
  EXPECT_EQ(t.get(6), 0u);
  EXPECT_EQ(t.get(5 + 512), 0u);  // next block, never allocated
}

TEST(FrameTable, EntriesKeepTheirValuesAcrossBlocks) {
  FrameTable<std::optional<uint16_t>> t;
  const uint64_t far = (uint64_t{1} << 28) - 1;  // last 4 KiB frame of 1 TiB
  t.at(0) = 1;
  t.at(511) = 2;
  t.at(512) = 3;
  t.at(far) = 4;
  EXPECT_EQ(t.get(0), 1);
  EXPECT_EQ(t.get(511), 2);
  EXPECT_EQ(t.get(512), 3);
  EXPECT_EQ(t.get(far), 4);
  EXPECT_EQ(t.get(far - 1), std::nullopt);
  t.at(511) = std::nullopt;
  EXPECT_EQ(t.get(511), std::nullopt);
  EXPECT_EQ(t.get(0), 1);
}

}  // namespace
}  // namespace memvirt
