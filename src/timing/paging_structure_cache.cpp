#include "timing/paging_structure_cache.hpp"

#include <string>

namespace memvirt {

PagingStructureCache::PagingStructureCache(const PscConfig& config) {
  for (size_t l = 2; l < caches_.size(); ++l)
    if (config.level[l].ways > 0)
      caches_[l].emplace(config.level[l], "paging-structure cache of level " + std::to_string(l));
}

std::optional<PscHit> PagingStructureCache::lookup(uint64_t root, uint32_t tag, uint64_t addr,
                                                   int levels) {
  for (int l = 2; l <= levels; ++l) {
    auto& c = caches_[static_cast<size_t>(l)];
    if (!c) continue;
    const uint64_t p = prefix(addr, l);
    const Entry* e =
        c->find(c->set_of(p), p, [&](const Entry& x) { return x.root == root && x.tag == tag; });
    if (e) {
      constexpr std::array<uint64_t PscStats::*, 6> kHits = {
          nullptr, nullptr, &PscStats::pde_hits, &PscStats::pdpte_hits, &PscStats::pml4e_hits,
          &PscStats::pml5e_hits};
      ++(stats_.*kHits[static_cast<size_t>(l)]);
      return PscHit{l - 1, e->table, e->perm};
    }
  }
  ++stats_.misses;
  return std::nullopt;
}

void PagingStructureCache::fill(uint64_t root, uint32_t tag, uint64_t addr, int level,
                                uint64_t table, uint8_t perm) {
  auto& c = caches_[static_cast<size_t>(level)];
  if (!c) return;
  const uint64_t p = prefix(addr, level);
  bool evicted = false;
  c->slot(c->set_of(p), p, [&](const Entry& x) { return x.root == root && x.tag == tag; },
          evicted) = Entry{root, tag, table, perm};
}

void PagingStructureCache::flush() {
  for (auto& c : caches_)
    if (c) c->clear();
}

}  // namespace memvirt
