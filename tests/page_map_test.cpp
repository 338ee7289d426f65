// The stored pages of host memory, found by frame number: an open-addressing table that must
// behave exactly like a map under any sequence of adds and erases (erase moves entries back).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <vector>

#include "memory/page_map.hpp"

namespace memvirt {
namespace {

TEST(PageMap, AddedPagesAreZeroAndFoundAgain) {
  PageMap m;
  EXPECT_EQ(m.find(5), nullptr);
  StoredPage& p = m.get_or_add(5);
  EXPECT_EQ(p.words[0], 0u);
  p.words[3] = 42;
  EXPECT_EQ(m.find(5)->words[3], 42u);
  EXPECT_EQ(&m.get_or_add(5), &p);  // no second page for the same frame
  EXPECT_EQ(m.size(), 1u);
}

TEST(PageMap, AnErasedPageIsGoneAndItsReuseStartsZeroed) {
  PageMap m;
  m.get_or_add(9).words[0] = 1;
  EXPECT_TRUE(m.erase(9));
  EXPECT_FALSE(m.erase(9));
  EXPECT_EQ(m.find(9), nullptr);
  EXPECT_EQ(m.get_or_add(10).words[0], 0u);
}

// Frames that share a home slot, consecutive ones, and far ones, over growth: every operation
// agrees with std::map, and the word written to each page is still there.
RC_GTEST_PROP(PageMap, AgreesWithAMap, (const std::vector<std::pair<bool, uint16_t>>& ops)) {
  PageMap m;
  std::map<uint64_t, uint64_t> model;
  for (const auto& [add, small] : ops) {
    // Spread over a few clusters so that probes collide and wrap.
    const uint64_t frame = (small % 4) * (uint64_t{1} << 30) + small / 4;
    if (add) {
      m.get_or_add(frame).words[small % 512] = frame + 1;
      model[frame] = small % 512;
    } else {
      RC_ASSERT(m.erase(frame) == (model.erase(frame) == 1));
    }
    RC_ASSERT(m.size() == model.size());
  }
  for (const auto& [frame, word] : model) {
    const StoredPage* p = m.find(frame);
    RC_ASSERT(p != nullptr);
    RC_ASSERT(p->words[word] == frame + 1);
  }
  uint64_t seen = 0;
  m.for_each([&](uint64_t frame, const StoredPage&) {
    RC_ASSERT(model.count(frame) == 1u);
    ++seen;
  });
  RC_ASSERT(seen == model.size());
}

TEST(PageMap, ThousandsOfPagesSurviveGrowthAndErasure) {
  PageMap m;
  for (uint64_t f = 0; f < 5000; ++f) m.get_or_add(f * 513).words[f % 512] = f;
  for (uint64_t f = 0; f < 5000; f += 2) EXPECT_TRUE(m.erase(f * 513));
  EXPECT_EQ(m.size(), 2500u);
  for (uint64_t f = 1; f < 5000; f += 2) {
    ASSERT_NE(m.find(f * 513), nullptr) << f;
    EXPECT_EQ(m.find(f * 513)->words[f % 512], f);
  }
}

}  // namespace
}  // namespace memvirt
