#include "vmm/flat_nested.hpp"

#include "arch/ept_entry.hpp"
#include "vmm/paging_modes.hpp"

namespace memvirt {
namespace {

constexpr FrameRole kRole = FrameRole::kNestedPageTable;
constexpr uint64_t kFrame = 4096;

}  // namespace

FlatNested::FlatNested(const HypervisorConfig& config, HostMemory& mem, std::vector<Mmu>& cpus,
                       Domain& domain)
    : Hypervisor(config, cpus, mem, &domain) {
  table_.id = config.vm;
  domain.on_invalidate([this](GuestPhys start, uint64_t bytes) { host_invalidated(start, bytes); });
}

FlatNested::~FlatNested() {
  if (mem_.retiring()) return;
  for (const auto& chunk : table_.chunks)
    if (chunk) mem_.free(*chunk, PageSize::k2M, kRole);
}

HostPhys FlatNested::entry_for(GuestPhys gpa) {
  const uint64_t chunk = (gpa.raw() / kFrame) / FlatTable::kEntriesPerChunk;
  if (chunk >= table_.chunks.size()) table_.chunks.resize(chunk + 1);
  if (!table_.chunks[chunk]) {
    const HostPhys frame = mem_.allocate(PageSize::k2M, kRole);
    mem_.clear(frame, PageSize::k2M);
    table_.chunks[chunk] = frame;
  }
  return *table_.entry_of(gpa);
}

HostPhys FlatNested::fill(GuestPhys gpa) {
  const HostPhys hpa = domain_->populate(gpa);
  const HostPhys frame = hpa.align_down(kFrame);
  mem_.write(entry_for(gpa), EptEntry()
                                 .set_readable(true)
                                 .set_writable(true)
                                 .set_executable(true)
                                 .set_memory_type(EptMemoryType::kWriteBack)
                                 .set_ignore_pat(true)
                                 .set_frame(frame.raw())
                                 .raw());
  return hpa;
}

HostPhys FlatNested::backed(GuestPhys gpa) {
  if (const auto at = table_.entry_of(gpa))
    if (const EptEntry e(mem_.read(*at)); e.present())
      return HostPhys(e.frame() | gpa.offset_in(kFrame));
  exits_.count(ExitReason::kEptViolation);
  return fill(gpa);
}

void FlatNested::write_entry(GuestPhys entry, Pte value) { mem_.write(backed(entry), value.raw()); }

MmuState FlatNested::translation_for(GuestPhys root) {
  MmuState s;
  s.mode = TranslationMode::kFlatNested;
  s.guest_root = root;
  s.flat = &table_;
  return s;
}

FaultAction FlatNested::handle_fault(int cpu, GuestVirt, AccessType, const WalkResult& walk) {
  if (walk.status == WalkStatus::kNestedFault) {
    vm_exit(ExitReason::kEptViolation, cpu);
    fill(walk.nested_gpa);
    return FaultAction::kRetry;
  }
  return FaultAction::kGuestFault;  // delivered to the guest without an exit
}

void FlatNested::host_invalidated(GuestPhys start, uint64_t bytes) {
  for (uint64_t a = start.align_down(kFrame).raw(); a < start.raw() + bytes; a += kFrame)
    if (const auto at = table_.entry_of(GuestPhys(a))) mem_.write(*at, 0);
  invalidate_vm();
}

namespace {

std::unique_ptr<Hypervisor> make_flat_nested(const HypervisorConfig& config, HostMemory& mem,
                                             std::vector<Mmu>& cpus, Domain* domain) {
  return std::make_unique<FlatNested>(config, mem, cpus, *domain);
}

}  // namespace

extern const PagingModeSpec kFlatNestedMode{
    .mode = PagingMode::kFlatNested,
    .name = "flat-nested",
    .help = "hardware-assisted, the nested dimension one flat table indexed by guest frame "
            "(Ahn et al., ISCA 2012): one reference per nested translation, 4 KiB translations",
    .runs_vms = true,
    .hardware_walks_p2m = false,
    .implied_model = std::nullopt,
    .check = nullptr,
    .make = make_flat_nested,
};

}  // namespace memvirt
