#include "sim/host_prediction.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace memvirt {
namespace {

std::string_view name(PageSize p) { return page_size_name(p); }

// The outer page size to simulate, and how the label says where it came from.
struct Outer {
  PageSize page;
  std::string words;
};

Outer outer_of(const MachineFacts& m) {
  if (m.outer_page) return {*m.outer_page, fmt::format("outer pages {}", name(*m.outer_page))};
  return {PageSize::k4K, "outer pages unknown: 4k assumed"};
}

PredictionShape nested(PageSize page, PageSize nested_page, std::string label) {
  return {PagingMode::kNested, page, nested_page, std::move(label)};
}

// A shadow table maps guest-virtual straight to this machine's memory, so its leaves are no
// larger than either the guest's page or the host page behind it.
PageSize shadow_leaf(PageSize guest_page, PageSize host_backing) {
  return std::min(guest_page, host_backing);
}

std::string leaf_note(PageSize guest_page, PageSize host_backing) {
  if (guest_page <= host_backing) return {};
  return fmt::format(" ({} guest pages on {} host pages)", name(guest_page), name(host_backing));
}

PredictionShape pvm(const MachineFacts& m, PageSize guest_page, PageSize host_backing) {
  const PageSize leaf = shadow_leaf(guest_page, host_backing);
  const std::string note = leaf_note(guest_page, host_backing);
  if (!m.guest) {
    return {PagingMode::kNative, leaf, leaf,
            fmt::format("native {}: PVM shadow tables walked in one dimension (bare metal){}",
                        name(leaf), note)};
  }
  // In steady state nothing exits or faults: the hardware walks the shadow table under the
  // cloud's nested table, which is nested paging with the shadow table as the guest dimension.
  const Outer o = outer_of(m);
  const std::string outer_words = m.outer_page ? "" : " (" + o.words + ")";
  return nested(leaf, o.page,
                fmt::format("nested {}/{}: PVM shadow tables walked inside the outer nested "
                            "dimension{}{}",
                            name(leaf), name(o.page), note, outer_words));
}

std::string_view switch_name(KvmBackendKind kind) {
  return kind == KvmBackendKind::kIntel ? "EPT" : "NPT";
}

std::string_view module_name(KvmBackendKind kind) {
  return kind == KvmBackendKind::kIntel ? "kvm_intel" : "kvm_amd";
}

PredictionShape hardware_bare_metal(const KvmBackend& b, PageSize guest_page,
                                    PageSize host_backing) {
  const std::string_view sw = switch_name(b.kind);
  const std::string_view module = module_name(b.kind);
  const std::string pages = fmt::format("{}/{}", name(guest_page), name(host_backing));
  if (!b.nested_paging) {
    return nested(
        guest_page, host_backing,
        fmt::format("nested {}: {} switch unreadable, on assumed ({})", pages, sw, module));
  }
  if (*b.nested_paging) {
    return nested(guest_page, host_backing,
                  fmt::format("nested {}: {} on ({})", pages, sw, module));
  }
  return {PagingMode::kShadow, guest_page, host_backing,
          fmt::format("shadow {}: {} off ({}), the backend shadows the guest's tables", pages, sw,
                      module)};
}

// KVM under an outer hypervisor. With EPT/NPT on, the outer hypervisor walks a shadow of this
// KVM's nested table composed with its own, whose leaves are the smaller of the two; with it off,
// this KVM's shadow tables are walked under the outer nested table, as PVM's are.
PredictionShape hardware_in_guest(const MachineFacts& m, const KvmBackend& b, PageSize guest_page,
                                  PageSize host_backing) {
  const Outer o = outer_of(m);
  if (b.nested_paging.value_or(true)) {
    const PageSize composed = std::min(host_backing, o.page);
    return nested(guest_page, composed,
                  fmt::format("nested {}/{}: best effort for nested virtualization ({} of this "
                              "KVM composed with the outer hypervisor's, {})",
                              name(guest_page), name(composed), switch_name(b.kind), o.words));
  }
  const PageSize leaf = shadow_leaf(guest_page, host_backing);
  return nested(leaf, o.page,
                fmt::format("nested {}/{}: best effort for nested virtualization (this KVM's "
                            "shadow tables walked inside the outer nested dimension, {})",
                            name(leaf), name(o.page), o.words));
}

}  // namespace

void PredictionShape::apply_to(SimConfig& config) const {
  config.mode = mode;
  config.page = page;
  config.nested_page = nested_page;
}

PredictionShape predict_host_process(const MachineFacts& machine, PageSize process_page) {
  if (!machine.guest) {
    return {PagingMode::kNative, process_page, process_page,
            fmt::format("native {} (bare metal)", name(process_page))};
  }
  const Outer o = outer_of(machine);
  return nested(process_page, o.page,
                fmt::format("nested {}/{} (guest of an outer hypervisor, {})", name(process_page),
                            name(o.page), o.words));
}

std::optional<PredictionShape> predict_kvm_guest(const MachineFacts& machine,
                                                 const KvmBackend& backend, PageSize guest_page,
                                                 PageSize host_backing) {
  switch (backend.kind) {
    case KvmBackendKind::kPvm:
      return pvm(machine, guest_page, host_backing);
    case KvmBackendKind::kIntel:
    case KvmBackendKind::kAmd:
      return machine.guest ? hardware_in_guest(machine, backend, guest_page, host_backing)
                           : hardware_bare_metal(backend, guest_page, host_backing);
    case KvmBackendKind::kNone:
    case KvmBackendKind::kUnknown:
      break;
  }
  return std::nullopt;
}

PageSize backed_page(PageSize requested, uint64_t huge_bytes, uint64_t bytes) {
  if (requested != PageSize::k2M) return requested;
  return huge_bytes * 2 >= bytes ? PageSize::k2M : PageSize::k4K;
}

}  // namespace memvirt
