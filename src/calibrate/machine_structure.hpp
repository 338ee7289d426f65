#pragma once
// The machine's caches and TLBs as CPUID reports them on the CPU this process runs on,
// cross-checked with what Linux shows in /sys/devices/system/cpu/cpu0/cache.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "calibrate/cpuid_decode.hpp"
#include "kvm/host_cpu.hpp"

namespace memvirt {

struct MachineStructure {
  HostCpu cpu;
  std::vector<CacheInfo> caches;   // data and unified caches, by level; from CPUID
  std::string caches_from;         // "CPUID leaf 4" / "CPUID 0x8000001D" / "" (none found)
  std::vector<TlbInfo> tlbs;       // data-side TLBs (instruction TLBs are dropped)
  std::string tlbs_from;           // which leaves gave them, "" when none did
  std::vector<std::string> notes;  // what was missing or disagreed, for the report
  uint64_t memory_available = 0;   // bytes, /proc/meminfo's MemAvailable (0: not known)

  // The data or unified cache at `level`, if CPUID described one.
  const CacheInfo* cache(int level) const;
  // The largest data-side TLB at `level` holding pages of `page_index` (0: 4k, 1: 2m, 2: 1g).
  const TlbInfo* tlb(int level, int page_index) const;
};

// Reads CPUID (and sysfs, when present) on the calling CPU.
MachineStructure read_machine_structure();

// One cache as /sys/devices/system/cpu/cpuN/cache/indexM describes it, from the text of its
// files (level, type, size, ways_of_associativity, number_of_sets, coherency_line_size); nullopt
// for instruction caches. Throws std::invalid_argument naming the file whose text is not a number.
std::optional<CacheInfo> parse_sysfs_cache(const std::string& level, const std::string& type,
                                           const std::string& size, const std::string& ways,
                                           const std::string& sets, const std::string& line);
// The caches under `dir` (.../cache), in index order; empty where the directory is missing.
std::vector<CacheInfo> read_sysfs_caches(const std::filesystem::path& dir);

// Differences between CPUID's and sysfs's caches, one sentence each (empty: they agree).
std::vector<std::string> compare_caches(const std::vector<CacheInfo>& cpuid,
                                        const std::vector<CacheInfo>& sysfs);

}  // namespace memvirt
