#pragma once
// A seeded pseudo-random bijection on [0, n) in O(1) memory, so that a random list walk over
// billions of elements needs no table: a keyed Feistel network over the smallest power of two
// that holds n, with cycle-walking to stay inside [0, n).
#include <array>
#include <cstdint>

namespace memvirt {

class Permutation {
 public:
  Permutation(uint64_t n, uint64_t seed);

  uint64_t operator()(uint64_t i) const;  // i < n
  uint64_t inverse(uint64_t x) const;     // x < n; inverse((*this)(i)) == i
  uint64_t size() const { return n_; }

 private:
  // Six rounds: four make a Feistel network a pseudo-random permutation, two more cost little
  // and keep small domains from looking structured.
  static constexpr int kRounds = 6;

  uint64_t encrypt(uint64_t x) const;  // bijection on [0, 2^bits_)
  uint64_t decrypt(uint64_t y) const;
  uint64_t round_function(int round, uint64_t half) const;

  uint64_t n_;
  int bits_;
  std::array<uint64_t, kRounds> keys_{};
};

}  // namespace memvirt
