// Permutation: a seeded bijection on [0, n) computed without a table.
#include "workload/permutation.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace memvirt {
namespace {

std::vector<uint64_t> all_values(const Permutation& p) {
  std::vector<uint64_t> out;
  for (uint64_t i = 0; i < p.size(); ++i) out.push_back(p(i));
  return out;
}

TEST(Permutation, IsABijectionForManySizes) {
  for (uint64_t n : {1, 2, 3, 4, 5, 7, 8, 9, 31, 1000, 1024, 4097, 65537}) {
    for (uint64_t seed : {1, 2, 12345}) {
      const Permutation p(n, seed);
      ASSERT_EQ(p.size(), n);
      std::vector<bool> hit(n, false);
      for (uint64_t i = 0; i < n; ++i) {
        const uint64_t x = p(i);
        ASSERT_LT(x, n) << "n=" << n << " seed=" << seed << " i=" << i;
        ASSERT_FALSE(hit[x]) << "n=" << n << " seed=" << seed << " value " << x << " twice";
        hit[x] = true;
      }
    }
  }
}

TEST(Permutation, InverseUndoesIt) {
  for (uint64_t n : {1, 2, 3, 7, 1000, 4097}) {
    const Permutation p(n, 99);
    for (uint64_t i = 0; i < n; ++i) ASSERT_EQ(p.inverse(p(i)), i) << "n=" << n;
  }
}

TEST(Permutation, SameSeedGivesSameOrder) {
  EXPECT_EQ(all_values(Permutation(1000, 7)), all_values(Permutation(1000, 7)));
}

TEST(Permutation, DifferentSeedsGiveDifferentOrders) {
  const std::vector<uint64_t> a = all_values(Permutation(1000, 1));
  const std::vector<uint64_t> b = all_values(Permutation(1000, 2));
  int same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
  // Two random permutations of 1000 agree in about one place.
  EXPECT_LT(same, 10);
}

TEST(Permutation, LooksShuffled) {
  const std::vector<uint64_t> v = all_values(Permutation(4097, 3));
  int fixed = 0;
  int ascending = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    fixed += v[i] == i;
    if (i > 0) ascending += v[i] == v[i - 1] + 1;
  }
  EXPECT_LT(fixed, 10);
  EXPECT_LT(ascending, 10);
}

// The order is part of what a seed reproduces: changing the network changes every result.
TEST(Permutation, OrderForSeedOneIsPinned) {
  EXPECT_EQ(all_values(Permutation(10, 1)), (std::vector<uint64_t>{0, 9, 2, 6, 7, 8, 3, 5, 1, 4}));
}

TEST(Permutation, HugeDomainsNeedNoTable) {
  for (uint64_t n : {uint64_t{1} << 33, (uint64_t{1} << 33) + 5, UINT64_MAX}) {
    const Permutation p(n, 42);
    for (uint64_t i : {uint64_t{0}, uint64_t{1}, n / 2, n - 1}) {
      const uint64_t x = p(i);
      EXPECT_LT(x, n);
      EXPECT_EQ(p.inverse(x), i);
    }
  }
}

}  // namespace
}  // namespace memvirt
