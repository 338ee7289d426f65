// Property: for random sequences of mmap / munmap / mprotect / fork / switch / exit / access,
// every mode gives every access the same outcome, the same guest-physical address and the same
// permissions, and each mode's host frame is the one its guest tables and gPA -> hPA map compose.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <set>

#include "support/machines.hpp"
#include "vmm/agile.hpp"
#include "workload/rng.hpp"

namespace memvirt {
namespace {

using namespace test;

constexpr int kSlots = 6;
constexpr uint64_t kSlotStride = 4ull << 30;  // slots 4 GiB apart, 1 GiB aligned

struct Region {
  uint64_t length = 0;
  PageSize page = PageSize::k4K;
};

// Generates one random sequence of valid events, tracking what each process has mapped.
class SequenceGenerator {
 public:
  explicit SequenceGenerator(uint64_t seed) : rng_(seed) { procs_[0] = {}; }

  std::vector<Event> generate(int count) {
    std::vector<Event> out;
    for (int i = 0; i < count; ++i) out.push_back(next());
    return out;
  }

 private:
  uint64_t slot_base(int slot) const { return kBase + static_cast<uint64_t>(slot) * kSlotStride; }
  uint32_t random_pid() {
    auto it = procs_.begin();
    std::advance(it, static_cast<long>(rng_.next_below(procs_.size())));
    return it->first;
  }
  uint8_t random_prot() {
    static constexpr uint8_t prots[] = {kProtRead, kProtRead | kProtWrite, kProtNone,
                                        kProtRead | kProtExec, kProtRead | kProtWrite | kProtExec};
    return prots[rng_.next_below(5)];
  }

  Event next() {
    const uint64_t r = rng_.next_below(100);
    const uint32_t pid = random_pid();
    auto& regions = procs_[pid];
    int slot = static_cast<int>(rng_.next_below(kSlots));
    if (!regions.empty() && r >= 12 && rng_.next_below(4) != 0) {  // favour mapped slots
      auto it = regions.begin();
      std::advance(it, static_cast<long>(rng_.next_below(regions.size())));
      slot = it->first;
    }
    if (r < 12) return map(pid, slot);
    if (r < 18 && regions.count(slot)) return unmap(pid, slot);
    if (r < 24 && regions.count(slot)) return protect(pid, slot);
    if (r < 27 && procs_.size() < 5) return fork(pid);
    if (r < 29 && procs_.size() > 1) {
      procs_.erase(pid);
      return simple_event(EventKind::kExit, pid);
    }
    if (r < 33) return simple_event(EventKind::kSwitch, pid);
    if (r < 34) {
      procs_[pid].clear();
      return simple_event(EventKind::kExec, pid);
    }
    return access(pid, slot);
  }

  Event map(uint32_t pid, int slot) {
    auto& regions = procs_[pid];
    if (regions.count(slot)) return access(pid, slot);
    static constexpr PageSize sizes[] = {PageSize::k4K, PageSize::k4K, PageSize::k2M,
                                         PageSize::k1G};
    // A quarter of the mappings are of the slot's shared-memory object, in 4 KiB or 2 MiB pages.
    const bool shared = rng_.next_below(4) == 0;
    const PageSize page = shared ? (slot % 2 ? PageSize::k4K : PageSize::k2M) : sizes[rng_.next_below(4)];
    const uint64_t pages = page == PageSize::k1G ? 1 : 1 + rng_.next_below(page == PageSize::k2M ? 3 : 40);
    regions[slot] = Region{pages * page_bytes(page), page};
    Event e = mmap_event(pid, slot_base(slot), pages * page_bytes(page), page, random_prot());
    e.region = shared ? static_cast<uint32_t>(slot) + 1 : 0;
    return e;
  }

  // A whole region, or its upper part cut at a page boundary.
  std::pair<uint64_t, uint64_t> sub_range(const Region& reg, int slot) {
    const uint64_t pages = reg.length / page_bytes(reg.page);
    const uint64_t first = rng_.next_below(pages);
    return {slot_base(slot) + first * page_bytes(reg.page), (pages - first) * page_bytes(reg.page)};
  }

  Event unmap(uint32_t pid, int slot) {
    auto& regions = procs_[pid];
    auto [start, length] = sub_range(regions[slot], slot);
    if (start == slot_base(slot)) regions.erase(slot);  // else the slot stays taken
    return simple_event(EventKind::kMunmap, pid, start, length);
  }

  Event protect(uint32_t pid, int slot) {
    auto [start, length] = sub_range(procs_[pid][slot], slot);
    // A partly unmapped slot may have a hole at the top: protect only its first page.
    length = page_bytes(procs_[pid][slot].page);
    start = slot_base(slot);
    return simple_event(EventKind::kMprotect, pid, start, length, random_prot());
  }

  Event fork(uint32_t pid) {
    const uint32_t child = next_pid_++;
    procs_[child] = procs_[pid];
    return fork_event(pid, child);
  }

  // Mostly inside what the process mapped there (a little past its end, too), else anywhere.
  Event access(uint32_t pid, int slot) {
    static constexpr EventKind kinds[] = {EventKind::kRead, EventKind::kWrite, EventKind::kExecute,
                                          EventKind::kWrite};
    const auto& regions = procs_[pid];
    const auto it = regions.find(slot);
    const uint64_t span = it != regions.end() && rng_.next_below(10) != 0
                              ? it->second.length + it->second.length / 8
                              : 64 * 4096;
    return simple_event(kinds[rng_.next_below(4)], pid,
                        slot_base(slot) + 8 * rng_.next_below(span / 8));
  }

  Rng rng_;
  std::map<uint32_t, std::map<int, Region>> procs_;
  uint32_t next_pid_ = 1;
};

struct Observation {
  bool ok = false;
  std::optional<GuestMapping> guest;
  bool operator==(const Observation& o) const {
    if (ok != o.ok || guest.has_value() != o.guest.has_value()) return false;
    return !guest || (guest->gpa == o.guest->gpa && guest->perm == o.guest->perm);
  }
};

// Agile moves between the modes over all sequences: they must happen, or agile proves little.
AgileStats agile_moves;

// Runs the events on one machine; returns what each access observed.
std::vector<Observation> run(const SimConfig& config, const std::vector<Event>& events) {
  Machine m(config);
  std::vector<Observation> seen;
  for (const Event& e : events) {
    if (!is_access(e.kind)) {
      m.apply(e);
      continue;
    }
    const auto out = m.access(e.pid, e.addr, static_cast<AccessType>(e.kind));
    Observation o{out.ok, m.kernel().lookup(e.pid, e.addr)};
    if (out.ok) {
      const auto expected = m.hypervisor().host_of(o.guest->gpa);
      EXPECT_EQ(out.hpa, expected) << paging_mode_name(config.mode) << " at event " << seen.size();
    }
    seen.push_back(o);
  }
  if (const auto* agile = dynamic_cast<const Agile*>(&m.hypervisor())) {
    agile_moves.to_nested += agile->agile_stats().to_nested;
    agile_moves.to_shadow += agile->agile_stats().to_shadow;
    agile_moves.switch_fills += agile->agile_stats().switch_fills;
  }
  const uint64_t pt_exits = m.result().vm_exits[ExitReason::kPtWrite];
  // Unsync trades exits for resync work, and agile paging lets writes to nested tables land, so
  // both may take fewer than one per write.
  const bool traps = config.mode == PagingMode::kShadow || config.mode == PagingMode::kAgile;
  const uint64_t expected = traps ? m.result().guest_pt_writes : 0u;
  const bool fewer = config.shadow_unsync || config.mode == PagingMode::kAgile;
  EXPECT_TRUE(fewer ? pt_exits <= expected : pt_exits == expected)
      << pt_exits << " pt_write exits for " << m.result().guest_pt_writes << " writes";
  return seen;
}

// PV guest tables map guest pages with machine frames, so its backing is at least the largest
// page the sequence maps. The VMM modes alternate between the models; PV exists only in Xen's.
SimConfig vmm_config(PagingMode mode, PageSize nested_page, int levels, uint64_t seed,
                     const std::vector<Event>& events) {
  if (mode == PagingMode::kPv)
    for (const Event& e : events)
      if (e.kind == EventKind::kMmap && e.page > nested_page) nested_page = e.page;
  SimConfig c = config_for(mode, nested_page, levels);
  c.model = mode == PagingMode::kPv || seed % 2 == 0 ? VmmModel::kXen : VmmModel::kKvm;
  return c;
}

TEST(TranslationProperty, EveryModeAgreesWithTheComposedMapOnRandomSequences) {
  uint64_t ok_accesses = 0, refused = 0;
  for (uint64_t seed = 1; seed <= 240; ++seed) {
    const auto events = SequenceGenerator(seed).generate(150);
    const PageSize nested_page = seed % 3 == 0 ? PageSize::k2M : PageSize::k4K;
    const int levels = seed % 5 == 0 ? 5 : 4;
    const auto native = run(config_for(PagingMode::kNative, nested_page, levels), events);
    const auto shadow =
        run(vmm_config(PagingMode::kShadow, nested_page, levels, seed, events), events);
    const auto nested =
        run(vmm_config(PagingMode::kNested, nested_page, levels, seed, events), events);
    const auto pv =
        run(vmm_config(PagingMode::kPv, nested_page, levels, seed, events), events);
    SimConfig unsync_config = config_for(PagingMode::kShadow, nested_page, levels);
    unsync_config.shadow_unsync = true;  // KVM's unsync: fewer exits, the same translations
    const auto unsync = run(unsync_config, events);
    const auto flat =
        run(vmm_config(PagingMode::kFlatNested, nested_page, levels, seed, events), events);
    // Agile paging with a short interval, so that tables go nested and come back within a run.
    SimConfig agile_config = vmm_config(PagingMode::kAgile, nested_page, levels, seed, events);
    agile_config.agile_writes = static_cast<uint32_t>(seed % 3);
    agile_config.agile_interval = 5 + seed % 20;
    const auto agile = run(agile_config, events);
    ASSERT_EQ(native.size(), shadow.size());
    for (size_t i = 0; i < native.size(); ++i) {
      ASSERT_EQ(native[i], shadow[i]) << "seed " << seed << " access " << i;
      ASSERT_EQ(native[i], nested[i]) << "seed " << seed << " access " << i;
      ASSERT_EQ(native[i], pv[i]) << "seed " << seed << " access " << i;
      ASSERT_EQ(native[i], unsync[i]) << "unsync, seed " << seed << " access " << i;
      ASSERT_EQ(native[i], flat[i]) << "flat-nested, seed " << seed << " access " << i;
      ASSERT_EQ(native[i], agile[i]) << "agile, seed " << seed << " access " << i;
    }
    if (HasFailure()) FAIL() << "seed " << seed;
    for (const auto& o : native) {
      ok_accesses += o.ok;
      refused += !o.ok;
    }
  }
  // The sequences must exercise both outcomes, or they prove little.
  EXPECT_GT(ok_accesses, 5000u);
  EXPECT_GT(refused, 2000u);
  EXPECT_GT(agile_moves.to_nested, 100u);
  EXPECT_GT(agile_moves.to_shadow, 100u);
  EXPECT_GT(agile_moves.switch_fills, 100u);

}

}  // namespace
}  // namespace memvirt
