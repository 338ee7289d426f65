#pragma once
// Workload specs: the text a user writes (`listwalk:ws=64MiB,npad=7,order=random`) parsed once
// into typed structs. The simulator, the native runner and the reports all use these structs, so a
// spec means the same thing everywhere and nothing looks keys up by string after parsing.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace memvirt {

// Generators map their region from kWorkloadRegionBase (16 TiB); capping the working set at
// 64 TiB keeps the region inside the 128 TiB user half of a 4-level (48-bit) address space.
inline constexpr uint64_t kMaxWorkingSetBytes = uint64_t{1} << 46;
// 4095 pad words make a 32 KiB element, far past any page or cache effect worth measuring.
inline constexpr unsigned kMaxListWalkNpad = 4095;

// Drepper's list walk: elements `struct l { l* n; long pad[npad]; }` over `ws` bytes.
struct ListWalkSpec {
  enum class Order { kSeq, kRandom };
  uint64_t ws = uint64_t{64} << 20;  // working set, bytes
  unsigned npad = 0;                 // 8-byte pad words after the `n` pointer
  Order order = Order::kSeq;
  uint64_t steps = 1'000'000;  // pointer dereferences

  friend bool operator==(const ListWalkSpec&, const ListWalkSpec&) = default;
};

// Uniformly random 8-byte accesses over `ws` bytes.
struct RandomSpec {
  uint64_t ws = uint64_t{64} << 20;  // working set, bytes
  uint64_t steps = 1'000'000;        // accesses
  double write = 0.0;                // fraction of accesses that are stores, in [0, 1]

  friend bool operator==(const RandomSpec&, const RandomSpec&) = default;
};

using WorkloadSpec = std::variant<ListWalkSpec, RandomSpec>;

// The user's spec text is wrong. what() quotes the whole spec and says what was expected.
class SpecError : public std::runtime_error {
 public:
  SpecError(std::string key, const std::string& message)
      : std::runtime_error(message), key_(std::move(key)) {}
  // The key whose value was bad; "" when the workload name (or the key=value shape) was bad.
  std::string key() const { return key_; }

 private:
  std::string key_;
};

// Grammar: NAME[:key=value{,key=value}]; NAME alone means all defaults. Throws SpecError.
WorkloadSpec parse_workload_spec(std::string_view text);

// The canonical text of a spec, with every key; parse_workload_spec() reads it back unchanged.
std::string format_workload_spec(const WorkloadSpec& spec);

std::string workload_name(const WorkloadSpec& spec);  // "listwalk" / "random"
uint64_t working_set_bytes(const WorkloadSpec& spec);

// A byte count: a non-negative integer with an optional binary unit, case-insensitive:
// B, K/KB/KiB, M/MB/MiB, G/GB/GiB, T/TB/TiB (e.g. 64MiB, 4k, 1G, 4096). Throws
// std::invalid_argument whose what() quotes the text and says what was expected.
uint64_t parse_size(std::string_view text);

// The size in the largest binary unit that divides it exactly: 64MiB, 4KiB, 100B.
std::string format_size(uint64_t bytes);

}  // namespace memvirt
