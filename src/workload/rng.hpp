#pragma once
// Our own deterministic PRNG (xoshiro256** seeded by splitmix64). std:: distributions are not
// used anywhere: their output differs between standard libraries, and a run must give the same
// numbers bit for bit wherever it is built.
#include <array>
#include <cassert>
#include <cstdint>

namespace memvirt {

// Advances `state` by the golden-ratio step and returns a well-mixed value of it.
constexpr uint64_t splitmix64(uint64_t& state) {
  state += 0x9e3779b97f4a7c15;
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit constexpr Rng(uint64_t seed) {
    // splitmix64 never yields four zero words in a row, the one state xoshiro must avoid.
    for (uint64_t& word : s_) word = splitmix64(seed);
  }

  // For checking against the reference outputs of xoshiro256** from a given state.
  static constexpr Rng from_state(const std::array<uint64_t, 4>& state) {
    Rng rng(0);
    rng.s_ = state;
    return rng;
  }

  constexpr uint64_t next_u64() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n), n > 0, without modulo bias (Lemire's multiply-and-reject).
  constexpr uint64_t next_below(uint64_t n) {
    assert(n > 0);
    __extension__ using U128 = unsigned __int128;
    U128 m = U128{next_u64()} * n;
    if (static_cast<uint64_t>(m) < n) {
      const uint64_t threshold = (0 - n) % n;  // 2^64 mod n
      while (static_cast<uint64_t>(m) < threshold) m = U128{next_u64()} * n;
    }
    return static_cast<uint64_t>(m >> 64);
  }

  // Uniform in [0, 1): the top 53 bits, so every value is an exact double.
  constexpr double next_unit() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

 private:
  static constexpr uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  std::array<uint64_t, 4> s_{};
};

}  // namespace memvirt
