#include "vmm/kvm_ept.hpp"

#include <stdexcept>

#include "arch/ept_entry.hpp"
#include "arch/paging.hpp"

namespace memvirt {
namespace {

constexpr FrameRole kRole = FrameRole::kNestedPageTable;

EptEntry rwx(HostPhys frame) {
  return EptEntry().set_readable(true).set_writable(true).set_executable(true).set_frame(
      frame.raw());
}

bool is_leaf(EptEntry e, int level) { return level == 1 || e.large(); }

}  // namespace

KvmEpt::KvmEpt(HostMemory& mem, int levels) : mem_(mem), levels_(levels) {
  if (!valid_levels(levels)) throw std::invalid_argument("EPT levels must be 4 or 5");
  root_ = mem_.allocate(PageSize::k4K, kRole);
  mem_.clear(root_, PageSize::k4K);
}

KvmEpt::~KvmEpt() {
  if (!mem_.retiring()) free_tree(root_, levels_);
}

void KvmEpt::map(GuestPhys gpa, HostPhys frame, PageSize size) {
  const int leaf = leaf_level(size);
  HostPhys table = root_;
  for (int level = levels_; level > leaf; --level) {
    const HostPhys e = table + table_index(gpa.raw(), level) * 8u;
    const EptEntry entry(mem_.read(e));
    if (entry.present() && !is_leaf(entry, level)) {
      table = HostPhys(entry.frame());
      continue;
    }
    clear(e, level);  // a larger leaf left from an earlier backing
    const HostPhys child = mem_.allocate(PageSize::k4K, kRole);
    mem_.clear(child, PageSize::k4K);
    mem_.write(e, rwx(child).raw());
    table = child;
  }
  const HostPhys e = table + table_index(gpa.raw(), leaf) * 8u;
  clear(e, leaf);  // smaller leaves left from an earlier backing
  mem_.write(e, rwx(frame)
                    .set_memory_type(EptMemoryType::kWriteBack)
                    .set_ignore_pat(true)
                    .set_large(size != PageSize::k4K)
                    .raw());
}

uint64_t KvmEpt::zap(GuestPhys start, uint64_t bytes) {
  return zap_in(root_, levels_, 0, start.raw(), start.raw() + bytes);
}

uint64_t KvmEpt::zap_in(HostPhys table, int level, uint64_t base, uint64_t start, uint64_t end) {
  const uint64_t span = level_span(level);
  uint64_t zapped = 0;
  for (unsigned i = 0; i < kEntriesPerTable; ++i) {
    const uint64_t lo = base + i * span;
    if (lo + span <= start || lo >= end) continue;
    const HostPhys e = table + i * 8u;
    const EptEntry entry(mem_.read(e));
    if (!entry.present()) continue;
    if (is_leaf(entry, level)) {
      mem_.write(e, 0);
      ++zapped;
    } else {
      // Tables stay until the VM goes, as KVM keeps its shadow pages of the EPT.
      zapped += zap_in(HostPhys(entry.frame()), level - 1, lo, start, end);
    }
  }
  return zapped;
}

void KvmEpt::clear(HostPhys entry, int level) {
  const EptEntry e(mem_.read(entry));
  if (e.present() && !is_leaf(e, level)) free_tree(HostPhys(e.frame()), level - 1);
  mem_.write(entry, 0);
}

void KvmEpt::free_tree(HostPhys table, int level) {
  for (unsigned i = 0; i < kEntriesPerTable && level > 1; ++i) {
    const EptEntry e(mem_.read(table + i * 8u));
    if (e.present() && !is_leaf(e, level)) free_tree(HostPhys(e.frame()), level - 1);
  }
  mem_.free(table, PageSize::k4K, kRole);
}

}  // namespace memvirt
