#include "mmu/walker.hpp"

#include <array>

#include "arch/ept_entry.hpp"
#include "arch/paging.hpp"
#include "arch/pte.hpp"
#include "arch/table_cursor.hpp"

namespace memvirt {
namespace {

// Entries a successful walk used, to set their accessed bits afterwards.
struct UsedEntries {
  std::array<HostPhys, kMaxLevels> at{};
  int count = 0;
  void add(HostPhys e) { at[static_cast<size_t>(count++)] = e; }
};

void set_accessed_dirty(HostMemory& mem, const UsedEntries& used, bool write) {
  for (int i = 0; i < used.count; ++i) {
    const HostPhys e = used.at[static_cast<size_t>(i)];
    Pte pte(mem.read(e));
    const bool leaf = i == used.count - 1;
    Pte updated = pte;
    updated.set_accessed(true);
    if (leaf && write) updated.set_dirty(true);
    if (updated != pte) mem.write(e, updated.raw());
  }
}

// Permissions as the 3 bits a paging-structure cache entry keeps.
uint8_t pack(Permissions p) {
  return static_cast<uint8_t>(p.writable | (p.user << 1) | (p.executable << 2));
}
Permissions unpack(uint8_t b) { return {(b & 1) != 0, (b & 2) != 0, (b & 4) != 0}; }

// Where a walk of the tree at `root` starts: below the deepest cached upper-level entry, if any.
struct WalkStart {
  int level;
  uint64_t table;
  Permissions acc{true, true, true};
};
WalkStart walk_start(PagingStructureCache* psc, uint32_t tag, uint64_t root, uint64_t addr,
                     int levels) {
  if (psc)
    if (const auto hit = psc->lookup(root, tag, addr, levels))
      return {hit->next_level, hit->table, unpack(hit->perm)};
  return {levels, root};
}

// Walks IA-32e tables. `locate(address, level, above, entry)` maps a table entry's address in the
// walked space to host memory (identity for 1D, a nested walk for 2D); `above` is the entry that
// pointed at its table (none at the root). It returns false to abort the walk.
template <typename Locate>
WalkResult walk_ia32e(HostMemory& mem, uint64_t root, int levels, const WalkRequest& req,
                      WalkResult& out, PagingStructureCache* psc, uint32_t tag, Locate&& locate) {
  const WalkStart start = walk_start(psc, tag, root, req.va, levels);
  uint64_t table = start.table;
  Permissions acc = start.acc;
  UsedEntries used;
  Pte above;
  for (int level = start.level; level >= 1; --level) {
    HostPhys entry;
    if (!locate(entry_address(table, req.va, level), level, above, entry)) return out;
    out.refs.push({entry, static_cast<uint8_t>(level), Dimension::kGuest});
    const Pte pte(mem.read(entry));
    if (!pte.present()) {
      out.status = WalkStatus::kPageFault;
      out.pf_error = page_fault_error(req.type, req.user, false);
      out.fault_level = level;
      return out;
    }
    used.add(entry);
    acc.writable &= pte.writable();
    acc.user &= pte.user();
    acc.executable &= !pte.no_execute();
    if (pte.large() && level > 3) {  // PS is reserved in PML4E/PML5E
      out.status = WalkStatus::kPageFault;
      out.pf_error = page_fault_error(req.type, req.user, true) | kPfReserved;
      out.fault_level = level;
      return out;
    }
    if (is_leaf_entry(pte, level)) {
      out.guest_size = page_size_at_level(level);
      out.size = out.guest_size;
      out.perm = acc;
      out.dirty = pte.dirty() || (req.update_ad && req.type == AccessType::kWrite);
      out.gpa = GuestPhys((pte.frame() & ~(page_bytes(out.size) - 1)) |
                          (req.va & (page_bytes(out.size) - 1)));
      if (!allows(acc, req.type, req.user)) {
        out.status = WalkStatus::kPageFault;
        out.pf_error = page_fault_error(req.type, req.user, true);
        out.fault_level = level;
        return out;
      }
      if (req.update_ad) set_accessed_dirty(mem, used, req.type == AccessType::kWrite);
      out.status = WalkStatus::kOk;
      return out;
    }
    table = pte.frame();
    above = pte;
    if (psc) psc->fill(root, tag, req.va, level, table, pack(acc));
  }
  return out;  // unreachable: level 1 is always a leaf
}

}  // namespace

WalkResult walk_1d(HostMemory& mem, HostPhys root, int levels, const WalkRequest& req,
                   const WalkCaches* caches) {
  WalkResult out;
  PagingStructureCache* psc = caches ? caches->guest : nullptr;
  const uint32_t tag = caches ? caches->tag : 0;
  walk_ia32e(mem, root.raw(), levels, req, out, psc, tag, [](uint64_t a, int, Pte, HostPhys& entry) {
    entry = HostPhys(a);
    return true;
  });
  if (out.status == WalkStatus::kOk) out.page = HostPhys(out.gpa.raw()).align_down(page_bytes(out.size));
  return out;
}

NestedTranslation walk_nested(HostMemory& mem, HostPhys ept_root, int ept_levels, GuestPhys gpa,
                              AccessType type, bool update_ad, WalkRefs& refs,
                              PagingStructureCache* psc) {
  NestedTranslation t;
  // One nested tree per VM: its root identifies it, no tag needed.
  const WalkStart start = walk_start(psc, 0, ept_root.raw(), gpa.raw(), ept_levels);
  uint64_t table = start.table;
  Permissions acc = start.acc;
  for (int level = start.level; level >= 1; --level) {
    const HostPhys entry(entry_address(table, gpa.raw(), level));
    refs.push({entry, static_cast<uint8_t>(level), Dimension::kNested});
    EptEntry e(mem.read(entry));
    if (!e.present() || !e.readable()) return t;
    acc.writable &= e.writable();
    acc.executable &= e.executable();
    const bool leaf = is_leaf_entry(e, level);
    if (update_ad) {
      EptEntry updated = e;
      updated.set_accessed(true);
      if (leaf && type == AccessType::kWrite) updated.set_dirty(true);
      if (updated != e) mem.write(entry, updated.raw());
    }
    if (leaf) {
      t.size = page_size_at_level(level);
      t.perm = Permissions{acc.writable, true, acc.executable};
      t.hpa = HostPhys((e.frame() & ~(page_bytes(t.size) - 1)) | gpa.offset_in(page_bytes(t.size)));
      t.ok = allows(t.perm, type, false);
      return t;
    }
    table = e.frame();
    if (psc) psc->fill(ept_root.raw(), 0, gpa.raw(), level, table, pack(acc));
  }
  return t;
}

WalkResult walk_guest_tables(HostMemory& mem, GuestPhys guest_root, int levels,
                             const WalkRequest& req, const GuestLocator& locate) {
  WalkResult out;
  auto missing = [&](GuestPhys gpa, bool in_guest_walk) {
    out.status = WalkStatus::kNestedFault;
    out.nested_gpa = gpa;
    out.nested_in_guest_walk = in_guest_walk;
  };
  walk_ia32e(mem, guest_root.raw(), levels, req, out, nullptr, 0,
             [&](uint64_t a, int, Pte, HostPhys& entry) {
    const auto h = locate(GuestPhys(a));
    if (!h) missing(GuestPhys(a), true);
    entry = h.value_or(HostPhys());
    return h.has_value();
  });
  if (out.status != WalkStatus::kOk) return out;
  const auto h = locate(out.gpa);
  if (!h) {
    missing(out.gpa, false);
    return out;
  }
  out.page = h->align_down(page_bytes(PageSize::k4K));
  out.size = PageSize::k4K;
  return out;
}

NestedTranslation flat_nested(HostMemory& mem, const FlatTable& flat, GuestPhys gpa,
                              AccessType type, bool update_ad, WalkRefs& refs) {
  NestedTranslation t;
  const std::optional<HostPhys> at = flat.entry_of(gpa);
  if (!at) return t;  // no entries made yet for this gigabyte: as an absent entry
  refs.push({*at, 1, Dimension::kNested});
  const EptEntry e(mem.read(*at));
  if (!e.present() || !e.readable()) return t;
  if (update_ad) {
    EptEntry updated = e;
    updated.set_accessed(true);
    if (type == AccessType::kWrite) updated.set_dirty(true);
    if (updated != e) mem.write(*at, updated.raw());
  }
  t.perm = Permissions{e.writable(), true, e.executable()};
  t.hpa = HostPhys(e.frame() | gpa.offset_in(page_bytes(PageSize::k4K)));
  t.ok = allows(t.perm, type, false);
  return t;
}

namespace {

// Two dimensions, whatever the nested one is: `nested(gpa, type, refs)` translates a
// guest-physical address and appends its references; `key` names the nested tree in the nested
// TLB. A guest table's host address comes from the nested TLB if it has the page, else from
// `nested` (whose result the nested TLB then keeps).
// Where the guest table at guest-physical `gpa` is: from the nested TLB if it has the page, else
// from `nested(gpa, type, refs)` (whose result the nested TLB then keeps); `key` names the nested
// tree in the nested TLB. A miss is a nested fault during the guest walk.
template <typename Nested>
bool locate_guest_table(GuestPhys gpa, uint64_t key, NestedTlb* ntlb, Nested& nested,
                        WalkResult& out, HostPhys& entry) {
  if (ntlb)
    if (const auto h = ntlb->lookup(key, gpa)) {
      entry = *h;
      return true;
    }
  const NestedTranslation n = nested(gpa, AccessType::kRead, out.refs);
  entry = n.hpa;
  if (n.ok && ntlb) ntlb->fill(key, gpa, n.hpa);
  if (!n.ok) {
    out.status = WalkStatus::kNestedFault;
    out.nested_gpa = gpa;
    out.nested_in_guest_walk = true;
  }
  return n.ok;
}

// The end of a walk whose leaf was the guest's: its guest-physical address through `nested`.
template <typename Nested>
WalkResult& translate_final(const WalkRequest& req, Nested& nested, WalkResult& out) {
  const NestedTranslation n = nested(out.gpa, req.type, out.refs);
  if (!n.ok) {
    out.status = WalkStatus::kNestedFault;
    out.nested_gpa = out.gpa;
    out.nested_in_guest_walk = false;
    return out;
  }
  out.size = std::min(out.guest_size, n.size);
  out.page = n.hpa.align_down(page_bytes(out.size));
  out.perm.writable &= n.perm.writable;
  out.perm.executable &= n.perm.executable;
  return out;
}

// Two dimensions, whatever the nested one is: `nested(gpa, type, refs)` translates a
// guest-physical address and appends its references.
template <typename Nested>
WalkResult walk_two_dimensions(HostMemory& mem, GuestPhys guest_root, int levels, uint64_t key,
                               const WalkRequest& req, const WalkCaches* caches, Nested&& nested) {
  WalkResult out;
  NestedTlb* ntlb = caches ? caches->nested_tlb : nullptr;
  walk_ia32e(mem, guest_root.raw(), levels, req, out, caches ? caches->guest : nullptr,
             caches ? caches->tag : 0, [&](uint64_t a, int, Pte, HostPhys& entry) {
               return locate_guest_table(GuestPhys(a), key, ntlb, nested, out, entry);
             });
  if (out.status != WalkStatus::kOk) return out;
  return translate_final(req, nested, out);
}

}  // namespace

WalkResult walk_2d(HostMemory& mem, GuestPhys guest_root, int levels, HostPhys ept_root,
                   int ept_levels, const WalkRequest& req, const WalkCaches* caches) {
  PagingStructureCache* psc = caches ? caches->nested : nullptr;
  return walk_two_dimensions(mem, guest_root, levels, ept_root.raw(), req, caches,
                             [&](GuestPhys gpa, AccessType type, WalkRefs& refs) {
                               return walk_nested(mem, ept_root, ept_levels, gpa, type,
                                                  req.update_ad, refs, psc);
                             });
}

WalkResult walk_agile(HostMemory& mem, const AgileRoot& root, int levels, HostPhys ept_root,
                      int ept_levels, const WalkRequest& req, const WalkCaches* caches) {
  WalkResult out;
  PagingStructureCache* psc = caches ? caches->nested : nullptr;
  NestedTlb* ntlb = caches ? caches->nested_tlb : nullptr;
  auto nested = [&](GuestPhys gpa, AccessType type, WalkRefs& refs) {
    return walk_nested(mem, ept_root, ept_levels, gpa, type, req.update_ad, refs, psc);
  };
  // The level of the first guest table, by host address; 0 while the walk is in the shadow part.
  int guest_from = 0;
  walk_ia32e(mem, root.table.raw(), levels, req, out, nullptr, 0,
             [&](uint64_t a, int level, Pte above, HostPhys& entry) {
               if (guest_from == 0) {
                 if (level == levels ? root.guest : above.switches()) guest_from = level;
                 entry = HostPhys(a);
                 return true;
               }
               return locate_guest_table(GuestPhys(a), ept_root.raw(), ntlb, nested, out, entry);
             });
  out.nested_guest_levels = guest_from;
  if (out.status != WalkStatus::kOk) return out;
  if (guest_from == 0) {  // a shadow leaf: its frame is host-physical already
    out.page = HostPhys(out.gpa.raw()).align_down(page_bytes(out.size));
    return out;
  }
  return translate_final(req, nested, out);
}

WalkResult walk_2d_flat(HostMemory& mem, GuestPhys guest_root, int levels, const FlatTable& flat,
                        const WalkRequest& req, const WalkCaches* caches) {
  return walk_two_dimensions(mem, guest_root, levels, flat.id, req, caches,
                             [&](GuestPhys gpa, AccessType type, WalkRefs& refs) {
                               return flat_nested(mem, flat, gpa, type, req.update_ad, refs);
                             });
}

}  // namespace memvirt
