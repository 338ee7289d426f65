#include "workload/ctxswitch.hpp"

#include <stdexcept>
#include <string>

#include "workload/process_events.hpp"

namespace memvirt {
namespace {

// The shared-memory object every process maps.
constexpr uint32_t kSharedRegion = 1;

// parse_workload_spec() rejects these; a spec built in code may not have been parsed.
const CtxSwitchSpec& checked(const CtxSwitchSpec& spec) {
  if (spec.procs == 0 || spec.procs > kMaxProcesses)
    throw std::invalid_argument("ctxswitch: procs must be in [1, " + std::to_string(kMaxProcesses) +
                                "]");
  if (spec.ws < 8 || spec.ws > kProcessSlotBytes || spec.shared > kMaxSharedBytes)
    throw std::invalid_argument("ctxswitch: ws must be in [8B, " + format_size(kProcessSlotBytes) +
                                "], shared at most " + format_size(kMaxSharedBytes));
  if (spec.quantum == 0) throw std::invalid_argument("ctxswitch: quantum must be positive");
  return spec;
}

}  // namespace

CtxSwitch::CtxSwitch(const CtxSwitchSpec& spec, const WorkloadContext& ctx)
    : spec_(checked(spec)),
      page_(ctx.page),
      rng_(ctx.seed),
      private_words_(spec.ws / 8),
      words_(private_words_ + spec.shared / 8),
      setup_length_(spec.procs - 1 + spec.procs * (spec.shared != 0 ? 2 : 1)) {}

Event CtxSwitch::setup_event(uint64_t index) const {
  if (index + 1 < spec_.procs) return make_fork(0, static_cast<uint32_t>(index + 1));
  const uint64_t maps_per_process = spec_.shared != 0 ? 2 : 1;
  const uint64_t map = index - (spec_.procs - 1);
  const auto pid = static_cast<uint32_t>(map / maps_per_process);
  if (map % maps_per_process == 0) {
    return make_mmap(pid, process_slot(pid), round_up_to_page(spec_.ws, page_), page_);
  }
  return make_mmap(pid, kSharedRegionAddr, round_up_to_page(spec_.shared, page_), page_,
                   kSharedRegion);
}

Event CtxSwitch::access() {
  const uint64_t word = rng_.next_below(words_);
  const bool store = rng_.next_unit() < spec_.write;
  const uint64_t addr = word < private_words_ ? process_slot(pid_) + 8 * word
                                              : kSharedRegionAddr + 8 * (word - private_words_);
  ++done_;
  ++in_turn_;
  return make_access(store ? EventKind::kWrite : EventKind::kRead, pid_, addr);
}

void CtxSwitch::start_turn() {
  in_turn_ = 0;
  if (++pid_ == spec_.procs) pid_ = 0;
}

size_t CtxSwitch::next(std::span<Event> out) {
  size_t count = 0;
  for (; count < out.size() && setup_done_ < setup_length_; ++count) {
    out[count] = setup_event(setup_done_++);
  }
  while (count < out.size() && done_ < spec_.steps) {
    if (in_turn_ == spec_.quantum) {
      start_turn();
      // One process keeps running: a switch to itself would be no switch at all.
      if (spec_.procs > 1) {
        out[count++] = make_process_event(EventKind::kSwitch, pid_);
        continue;
      }
    }
    out[count++] = access();
  }
  return count;
}

}  // namespace memvirt
