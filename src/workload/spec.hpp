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

#include "arch/page_size.hpp"

namespace memvirt {

// Generators map their region from kWorkloadRegionBase (16 TiB); capping the working set at
// 64 TiB keeps the region inside the 128 TiB user half of a 4-level (48-bit) address space.
inline constexpr uint64_t kMaxWorkingSetBytes = uint64_t{1} << 46;
// 4095 pad words make a 32 KiB element, far past any page or cache effect worth measuring.
inline constexpr unsigned kMaxListWalkNpad = 4095;
// Multi-process generators give process p the 64 GiB slot of address space at
// kWorkloadRegionBase + p * 64 GiB for its private regions; 1024 slots end at 80 TiB, where the
// shared region starts (at most 32 TiB, so it ends at 112 TiB, inside the 128 TiB user half).
inline constexpr uint32_t kMaxProcesses = 1024;
inline constexpr uint64_t kProcessSlotBytes = uint64_t{64} << 30;
inline constexpr uint64_t kMaxSharedBytes = uint64_t{32} << 40;

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

// Page-table-update storms. Processes 1..procs-1 are forked from 0 first; then, for `steps`
// rounds, each process in turn maps `maps` regions of `size` bytes, writes every page of them
// once and unmaps them all. The seed is not used.
struct ChurnSpec {
  uint32_t procs = 1;
  uint64_t maps = 16;                  // regions per process and step
  uint64_t size = uint64_t{64} << 10;  // bytes per region, rounded up to whole pages
  uint64_t steps = 1000;               // rounds over all processes

  friend bool operator==(const ChurnSpec&, const ChurnSpec&) = default;
};

// Context switches between processes that share memory: `procs` processes take turns of
// `quantum` accesses, each access an 8-byte word drawn uniformly from the running process's
// private `ws` bytes together with the `shared` bytes every process maps, and a store with
// probability `write`.
struct CtxSwitchSpec {
  uint32_t procs = 4;
  uint64_t ws = uint64_t{4} << 20;      // private bytes per process
  uint64_t shared = uint64_t{4} << 20;  // shared-memory bytes, 0 for none
  uint64_t quantum = 1000;              // accesses per turn
  uint64_t steps = 100'000;             // accesses in all, over every process
  double write = 0.125;                 // fraction of accesses that are stores, in [0, 1]

  friend bool operator==(const CtxSwitchSpec&, const CtxSwitchSpec&) = default;
};

// A shell: process 0 writes its `ws` bytes once, then `n` times forks a child that execs, maps
// and writes `ws` bytes of its own and exits, after which the shell writes one of its pages
// (a copy-on-write fault, since the fork write-protected them). The seed is not used.
struct ForkExecSpec {
  uint64_t n = 100;                 // fork + exec + exit cycles
  uint64_t ws = uint64_t{1} << 20;  // bytes of the shell and of each child, rounded up to pages

  friend bool operator==(const ForkExecSpec&, const ForkExecSpec&) = default;
};

// A recorded program: the accesses of a trace file (docs/trace-format.md), replayed in pid 0 or
// the pids the trace gives, after mapping every region it touches. Spec text:
// trace:FILE[,format=auto|mvt|lackey|champsim|champsim-cloudsuite]; FILE is everything up to
// the first comma.
struct TraceSpec {
  enum class Format { kAuto, kMvt, kLackey, kChampSim, kChampSimCloudSuite };
  std::string file;
  Format format = Format::kAuto;  // kAuto: from the file's first bytes, else from its name

  friend bool operator==(const TraceSpec&, const TraceSpec&) = default;
};

// "auto", "mvt", "lackey", "champsim" or "champsim-cloudsuite"; throws std::invalid_argument
// quoting anything else.
TraceSpec::Format parse_trace_format(std::string_view text);

using WorkloadSpec =
    std::variant<ListWalkSpec, RandomSpec, ChurnSpec, CtxSwitchSpec, ForkExecSpec, TraceSpec>;

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

// churn places a process's regions churn_stride() apart: `size` rounded up to whole 2 MiB, or to
// whole 1 GiB with 1 GiB pages, so that a 4 KiB-page region has last-level tables of its own
// (which its munmap frees) and every region is aligned for its pages.
uint64_t churn_stride(uint64_t size, PageSize page);
// parse_workload_spec() checks that a churn spec's regions fit in a process's slot with 4 KiB or
// 2 MiB pages; with 1 GiB pages they take more room, checked here once the page size is known.
// Throws SpecError naming `maps`.
void check_churn_layout(const ChurnSpec& spec, PageSize page);

// The canonical text of a spec, with every key; parse_workload_spec() reads it back unchanged.
std::string format_workload_spec(const WorkloadSpec& spec);

std::string workload_name(const WorkloadSpec& spec);  // "listwalk", "random", "churn", ...
// The bytes of data the workload has mapped and touches at one time: ws for listwalk and random,
// maps * size for churn (one process's regions), procs * ws + shared for ctxswitch, and
// 2 * ws for forkexec (the shell and one child), and 0 for trace (unknown until it is read).
uint64_t working_set_bytes(const WorkloadSpec& spec);

// A byte count: a non-negative integer with an optional binary unit, case-insensitive:
// B, K/KB/KiB, M/MB/MiB, G/GB/GiB, T/TB/TiB (e.g. 64MiB, 4k, 1G, 4096). Throws
// std::invalid_argument whose what() quotes the text and says what was expected.
uint64_t parse_size(std::string_view text);

// The size in the largest binary unit that divides it exactly: 64MiB, 4KiB, 100B.
std::string format_size(uint64_t bytes);

}  // namespace memvirt
