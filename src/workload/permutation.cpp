// The Feistel network is unbalanced when bits_ is odd: each round moves the low part (width w)
// up and replaces the high part (width t) with itself xor a keyed hash of the low part, so the
// widths swap every round. Each round is invertible whatever the hash, hence so is the whole.
#include "workload/permutation.hpp"

#include <bit>
#include <cassert>

#include "workload/rng.hpp"

namespace memvirt {
namespace {

constexpr uint64_t low_mask(int width) { return (uint64_t{1} << width) - 1; }  // width < 64

}  // namespace

Permutation::Permutation(uint64_t n, uint64_t seed)
    : n_(n), bits_(n <= 1 ? 0 : static_cast<int>(std::bit_width(n - 1))) {
  for (uint64_t& key : keys_) key = splitmix64(seed);
}

uint64_t Permutation::round_function(int round, uint64_t half) const {
  uint64_t state = half ^ keys_[round];
  return splitmix64(state);
}

uint64_t Permutation::encrypt(uint64_t x) const {
  int top = bits_ / 2;
  for (int r = 0; r < kRounds; ++r) {
    const int low = bits_ - top;
    const uint64_t hi = x >> low;
    const uint64_t lo = x & low_mask(low);
    x = (lo << top) | ((hi ^ round_function(r, lo)) & low_mask(top));
    top = low;
  }
  return x;
}

uint64_t Permutation::decrypt(uint64_t y) const {
  // Round r turned (hi: t, lo: w) into (lo: w, hi': t); the widths at round r alternate.
  for (int r = kRounds - 1; r >= 0; --r) {
    const int top = r % 2 == 0 ? bits_ / 2 : bits_ - bits_ / 2;
    const int low = bits_ - top;
    const uint64_t lo = y >> top;
    const uint64_t hi = (y ^ round_function(r, lo)) & low_mask(top);
    y = (hi << low) | lo;
  }
  return y;
}

// Cycle-walking: the cycle of the network through i returns to [0, n) within an expected fewer
// than two steps, since the power of two is under 2n.
uint64_t Permutation::operator()(uint64_t i) const {
  assert(i < n_);
  do {
    i = encrypt(i);
  } while (i >= n_);
  return i;
}

uint64_t Permutation::inverse(uint64_t x) const {
  assert(x < n_);
  do {
    x = decrypt(x);
  } while (x >= n_);
  return x;
}

}  // namespace memvirt
