#include "workload/trace/qemu_events.hpp"

namespace memvirt {
namespace {

// x86-64 Linux system call numbers and the clone flag that tells a thread from a process.
enum : int64_t {
  kMmap = 9,
  kMprotect = 10,
  kMunmap = 11,
  kBrk = 12,
  kMremap = 25,
  kMadvise = 28,
  kClone = 56,
  kFork = 57,
  kVfork = 58,
  kExecve = 59,
  kExit = 60,
  kExitGroup = 231,
  kExecveat = 322,
  kClone3 = 435
};
constexpr uint64_t kCloneThread = 0x10000;

// Linux returns -errno, -4095 to -1, for a failed call; anything else is a result.
bool failed(int64_t ret) { return ret < 0 && ret >= -4095; }

}  // namespace

void QemuEvents::emit(const SpaceEvent& e) {
  ++events_;
  sink_.event(e);
}

uint32_t QemuEvents::enter_frame(uint32_t tgid, uint32_t tid, uint32_t parent_tgid) {
  const uint32_t pid = process(tgid, parent_tgid);
  if (tid != tgid) new_thread(tid, pid);
  return pid;
}

uint32_t QemuEvents::process(uint32_t tgid, uint32_t parent_tgid) {
  const auto known = pids_.find(tgid);
  if (known != pids_.end()) return known->second;
  // The parent has written before (it flushes before forking); one the stream never named is
  // taken for a fork of the first process.
  const bool orphan = parent_tgid == 0 || parent_tgid == tgid || next_pid_ == 0;
  const uint32_t parent = orphan ? 0 : process(parent_tgid, 0);
  new_process(tgid, parent);
  return pids_[tgid];
}

void QemuEvents::new_process(uint32_t tgid, uint32_t parent_pid) {
  const uint32_t pid = next_pid_++;
  pids_[tgid] = pid;
  threads_[tgid] = pid;
  if (pid == 0 || parent_pid == pid) return;
  if (const auto brk = breaks_.find(parent_pid); brk != breaks_.end()) breaks_[pid] = brk->second;
  emit({.kind = SpaceEventKind::kFork, .pid = parent_pid, .child = pid});
}

void QemuEvents::new_thread(uint32_t tid, uint32_t pid) {
  const auto known = threads_.find(tid);
  if (known != threads_.end() && known->second == pid) return;
  threads_[tid] = pid;
  emit({.kind = SpaceEventKind::kThread, .pid = pid, .child = tid});
}

void QemuEvents::moved_break(uint32_t pid, uint64_t now) {
  const auto known = breaks_.find(pid);
  if (known == breaks_.end()) {
    breaks_[pid] = now;  // the first brk tells where the break is; nothing moved yet
    return;
  }
  if (known->second == now) return;
  emit({.kind = SpaceEventKind::kBrk, .pid = pid, .addr = now, .old_addr = known->second});
  known->second = now;
}

// The parent's side of clone, fork or vfork. The child may have written first (then it is
// known already); clone3's flags are in memory the plugin cannot read, so its child is
// classified by its own first frame.
void QemuEvents::created_task(uint32_t pid, const QemuSyscall& call) {
  if (call.ret <= 0 || call.num == kClone3) return;
  const auto child = static_cast<uint32_t>(call.ret);
  if (call.num == kClone && (call.args[0] & kCloneThread) != 0) {
    new_thread(child, pid);
  } else if (pids_.count(child) == 0) {
    new_process(child, pid);
  }
}

void QemuEvents::syscall(uint32_t pid, uint32_t tid, const QemuSyscall& call) {
  const uint64_t* a = call.args;
  const int64_t ret = call.ret;
  if (call.num == kExecve || call.num == kExecveat) {
    if (call.part == QemuSyscall::Part::kEntry) pending_execs_[tid] = pid;
    if (call.part == QemuSyscall::Part::kReturn) pending_execs_.erase(tid);
    return;
  }
  if (call.num == kExit || call.num == kExitGroup) {
    emit({.kind = SpaceEventKind::kExit, .pid = pid, .child = call.num == kExit ? tid : 0});
    return;
  }
  if (call.part != QemuSyscall::Part::kWhole || failed(ret)) return;
  switch (call.num) {
    case kMmap:
      emit({.kind = SpaceEventKind::kMmap,
            .pid = pid,
            .addr = static_cast<uint64_t>(ret),
            .length = a[1],
            .prot = static_cast<uint32_t>(a[2]),
            .flags = static_cast<uint32_t>(a[3])});
      break;
    case kMunmap:
      emit({.kind = SpaceEventKind::kMunmap, .pid = pid, .addr = a[0], .length = a[1]});
      break;
    case kMprotect:
      emit({.kind = SpaceEventKind::kMprotect,
            .pid = pid,
            .addr = a[0],
            .length = a[1],
            .prot = static_cast<uint32_t>(a[2])});
      break;
    case kMremap:
      emit({.kind = SpaceEventKind::kMremap,
            .pid = pid,
            .addr = static_cast<uint64_t>(ret),
            .length = a[2],
            .old_addr = a[0],
            .old_length = a[1]});
      break;
    case kMadvise:
      emit({.kind = SpaceEventKind::kMadvise,
            .pid = pid,
            .addr = a[0],
            .length = a[1],
            .flags = static_cast<uint32_t>(a[2])});
      break;
    case kBrk:
      moved_break(pid, static_cast<uint64_t>(ret));
      break;
    case kClone:
    case kFork:
    case kVfork:
    case kClone3:
      created_task(pid, call);
      break;
    default:
      break;
  }
}

void QemuEvents::finish() {
  for (const auto& [tid, pid] : pending_execs_) emit({.kind = SpaceEventKind::kExec, .pid = pid});
  pending_execs_.clear();
}

}  // namespace memvirt
