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
  const HostPhys e = tree(root_, levels_).ensure(gpa.raw(), leaf, [&](const auto& found) {
    clear(found.at, found.level);  // a larger leaf left from an earlier backing
    const HostPhys child = mem_.allocate(PageSize::k4K, kRole);
    mem_.clear(child, PageSize::k4K);
    mem_.write(found.at, rwx(child).raw());
    return child;
  });
  clear(e, leaf);  // smaller leaves left from an earlier backing
  mem_.write(e, rwx(frame)
                    .set_memory_type(EptMemoryType::kWriteBack)
                    .set_ignore_pat(true)
                    .set_large(size != PageSize::k4K)
                    .raw());
}

uint64_t KvmEpt::zap(GuestPhys start, uint64_t bytes) {
  // Tables stay until the VM goes, as KVM keeps its shadow pages of the EPT.
  uint64_t zapped = 0;
  tree(root_, levels_).visit(
      start.raw(), start.raw() + bytes,
      [&](const auto& e, uint64_t) {
        mem_.write(e.at, 0);
        ++zapped;
      },
      [](const auto&, uint64_t) {});
  return zapped;
}

void KvmEpt::clear(HostPhys entry, int level) {
  const EptEntry e(mem_.read(entry));
  if (e.present() && !is_leaf_entry(e, level)) free_tree(HostPhys(e.frame()), level - 1);
  mem_.write(entry, 0);
}

void KvmEpt::free_tree(HostPhys table, int level) {
  // Post-order, and level-1 tables hold only leaves: they are freed unread.
  tree(table, level).visit(
      0, kEveryAddress, [](const auto&, uint64_t) {},
      [&](const auto& e, uint64_t) { mem_.free(e.child(), PageSize::k4K, kRole); }, 2);
  mem_.free(table, PageSize::k4K, kRole);
}

}  // namespace memvirt
