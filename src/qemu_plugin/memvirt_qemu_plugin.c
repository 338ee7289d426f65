/* memvirt's QEMU TCG plugin: writes every instruction fetch, load and store of a program run by
 * qemu-user, and its address-space system calls, to a pipe in the format of
 * workload/trace/qemu_wire.h. Arguments: fd=N (the pipe's write end, required) and
 * exec=insn|block (one execute record per instruction, the default, or per translation block).
 *
 * Debian's qemu-user ships no qemu-plugin.h, so the few version-1 API declarations used are
 * written out here. Records are buffered per vCPU (each guest thread is one) and written in
 * whole frames with blocking writes: a slow reader slows the program, nothing is dropped, and
 * memory stays at one buffer per thread. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "workload/trace/qemu_wire.h"

/* ---- The QEMU plugin API, version 1 (QEMU 7.2), as far as it is used. ---- */
#define MVQ_EXPORT __attribute__((visibility("default")))
typedef uint64_t qemu_plugin_id_t;
typedef uint32_t qemu_plugin_meminfo_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
typedef struct {
  const char* target_name;
  struct {
    int min;
    int cur;
  } version;
  bool system_emulation;
  union {
    struct {
      int smp_vcpus;
      int max_vcpus;
    } system;
  };
} qemu_info_t;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_mem_rw { QEMU_PLUGIN_MEM_R = 1, QEMU_PLUGIN_MEM_W, QEMU_PLUGIN_MEM_RW };
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void* userdata);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void* userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb* tb);
typedef void (*qemu_plugin_vcpu_mem_cb_t)(unsigned int vcpu_index, qemu_plugin_meminfo_t info,
                                          uint64_t vaddr, void* userdata);
typedef void (*qemu_plugin_vcpu_syscall_cb_t)(qemu_plugin_id_t id, unsigned int vcpu_index,
                                              int64_t num, uint64_t a1, uint64_t a2, uint64_t a3,
                                              uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7,
                                              uint64_t a8);
typedef void (*qemu_plugin_vcpu_syscall_ret_cb_t)(qemu_plugin_id_t id, unsigned int vcpu_index,
                                                  int64_t num, int64_t ret);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb* tb, qemu_plugin_vcpu_udata_cb_t cb,
                                          enum qemu_plugin_cb_flags flags, void* userdata);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn* insn,
                                            qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void* userdata);
void qemu_plugin_register_vcpu_mem_cb(struct qemu_plugin_insn* insn, qemu_plugin_vcpu_mem_cb_t cb,
                                      enum qemu_plugin_cb_flags flags, enum qemu_plugin_mem_rw rw,
                                      void* userdata);
void qemu_plugin_register_vcpu_syscall_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_syscall_cb_t cb);
void qemu_plugin_register_vcpu_syscall_ret_cb(qemu_plugin_id_t id,
                                              qemu_plugin_vcpu_syscall_ret_cb_t cb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void* userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb* tb);
struct qemu_plugin_insn* qemu_plugin_tb_get_insn(const struct qemu_plugin_tb* tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn* insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn* insn);
unsigned int qemu_plugin_mem_size_shift(qemu_plugin_meminfo_t info);
bool qemu_plugin_mem_is_store(qemu_plugin_meminfo_t info);

MVQ_EXPORT int qemu_plugin_version = 1;
MVQ_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t* info, int argc,
                                   char** argv);

/* ---- x86-64 Linux system call numbers the reader decodes. ---- */
enum {
  NR_mmap = 9,
  NR_mprotect = 10,
  NR_munmap = 11,
  NR_brk = 12,
  NR_mremap = 25,
  NR_madvise = 28,
  NR_clone = 56,
  NR_fork = 57,
  NR_vfork = 58,
  NR_execve = 59,
  NR_exit = 60,
  NR_exit_group = 231,
  NR_execveat = 322,
  NR_clone3 = 435
};

/* ---- Per-vCPU buffers. ---- */
struct buffer {
  uint32_t tid;
  uint32_t len;     /* payload bytes after the frame header */
  uint64_t prev[2]; /* previous data and execute address in this frame */
  int64_t sys_num;  /* the call entered last, with its arguments, for the record at its return */
  uint64_t sys_args[6];
  uint8_t bytes[MVQ_FRAME_HEADER + MVQ_FRAME_MAX];
};

/* vCPU indices are small and reused as threads come and go; one slot each, used by one thread
 * at a time, so the hot path needs no lock and no thread-local lookup. */
#define MAX_VCPUS 4096
static struct buffer* buffers[MAX_VCPUS];
static int out_fd = -1;
static bool per_block = false;
static uint32_t my_tgid, parent_tgid;
/* Frames may be large while one thread of one process writes; from the first clone or fork on
 * they must fit in PIPE_BUF, the size a pipe writes atomically. Set only by the sole thread
 * before it makes the second writer, so no writer ever sees it change under it. */
static atomic_uint frame_limit = MVQ_FRAME_MAX;
static int exiting_vcpu = -1; /* the thread that called exit_group */

/* Ends the program: a trace with a hole in it would look whole to the reader. */
static void fail_with(const char* what, const char* why) {
  char msg[256];
  int n = snprintf(msg, sizeof msg, "memvirt qemu plugin: %s: %s\n", what, why);
  if (n > 0) (void)!write(2, msg, (size_t)n);
  _exit(125);
}

static void fail(const char* what) {
  char why[160];
  snprintf(why, sizeof why, "%s (did the program close or reuse fd %d?)", strerror(errno), out_fd);
  fail_with(what, why);
}

static void write_all(const uint8_t* p, size_t n) {
  while (n > 0) {
    ssize_t w = write(out_fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      fail("write to memvirt's pipe failed");
    }
    p += w;
    n -= (size_t)w;
  }
}

static void put_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = (uint8_t)(v >> (8 * i));
}

static void flush(struct buffer* b) {
  if (b->len == 0) return;
  put_u32(b->bytes, b->len);
  put_u32(b->bytes + 4, my_tgid);
  put_u32(b->bytes + 8, b->tid);
  put_u32(b->bytes + 12, parent_tgid);
  write_all(b->bytes, MVQ_FRAME_HEADER + b->len);
  b->len = 0;
  b->prev[0] = b->prev[1] = 0;
}

static struct buffer* buffer_for(unsigned vcpu) {
  if (vcpu >= MAX_VCPUS) fail_with("cannot trace the program", "more than 4096 threads at once");
  struct buffer* b = buffers[vcpu];
  if (__builtin_expect(b == NULL, 0)) {
    b = calloc(1, sizeof *b);
    if (b == NULL) fail_with("cannot trace the program", "out of memory");
    b->tid = (uint32_t)syscall(SYS_gettid);
    buffers[vcpu] = b;
  }
  return b;
}

/* Room for one more record of any kind. */
static uint8_t* reserve(struct buffer* b) {
  if (b->len + MVQ_RECORD_MAX > atomic_load_explicit(&frame_limit, memory_order_relaxed)) flush(b);
  return b->bytes + MVQ_FRAME_HEADER + b->len;
}

static uint8_t* put_varint(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  *p++ = (uint8_t)v;
  return p;
}

static uint8_t* put_u64(uint8_t* p, uint64_t v) {
  memcpy(p, &v, 8); /* x86-64 hosts only: little endian */
  return p + 8;
}

static void put_access(struct buffer* b, unsigned kind, uint64_t size, uint64_t addr) {
  uint8_t* start = reserve(b);
  uint8_t* p = start;
  const int cls = kind == MVQ_EXECUTE;
  if (size <= MVQ_SIZE_INLINE_MAX) {
    *p++ = (uint8_t)(kind | (size << 2));
  } else {
    *p++ = (uint8_t)kind;
    p = put_varint(p, size);
  }
  const int64_t delta = (int64_t)(addr - b->prev[cls]);
  p = put_varint(p, ((uint64_t)delta << 1) ^ (uint64_t)(delta >> 63));
  b->prev[cls] = addr;
  b->len += (uint32_t)(p - start);
}

/* ---- Instrumentation. ---- */

/* Address and size packed into the callback's user data: user-space addresses fit in 48 bits. */
#define PACK(addr, size) ((void*)(uintptr_t)((addr) | ((uint64_t)(size) << 48)))

static void on_execute(unsigned vcpu, void* udata) {
  const uint64_t packed = (uintptr_t)udata;
  put_access(buffer_for(vcpu), MVQ_EXECUTE, packed >> 48, packed & ((1ULL << 48) - 1));
}

static void on_memory(unsigned vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void* udata) {
  (void)udata;
  const unsigned kind = qemu_plugin_mem_is_store(info) ? MVQ_WRITE : MVQ_READ;
  put_access(buffer_for(vcpu), kind, 1u << qemu_plugin_mem_size_shift(info), vaddr);
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb* tb) {
  (void)id;
  const size_t n = qemu_plugin_tb_n_insns(tb);
  uint64_t block_bytes = 0;
  for (size_t i = 0; i < n; ++i) {
    struct qemu_plugin_insn* insn = qemu_plugin_tb_get_insn(tb, i);
    const uint64_t vaddr = qemu_plugin_insn_vaddr(insn);
    const size_t size = qemu_plugin_insn_size(insn);
    block_bytes += size;
    if (!per_block)
      qemu_plugin_register_vcpu_insn_exec_cb(insn, on_execute, QEMU_PLUGIN_CB_NO_REGS,
                                             PACK(vaddr, size));
    qemu_plugin_register_vcpu_mem_cb(insn, on_memory, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW,
                                     NULL);
  }
  if (per_block && n > 0) {
    const uint64_t start = qemu_plugin_insn_vaddr(qemu_plugin_tb_get_insn(tb, 0));
    if (block_bytes > 0xffff) block_bytes = 0xffff;
    qemu_plugin_register_vcpu_tb_exec_cb(tb, on_execute, QEMU_PLUGIN_CB_NO_REGS,
                                         PACK(start, block_bytes));
  }
}

/* ---- System calls. ---- */

static bool creates_task(int64_t num) {
  return num == NR_clone || num == NR_fork || num == NR_vfork || num == NR_clone3;
}

static bool may_not_return(int64_t num) {
  return num == NR_execve || num == NR_execveat || num == NR_exit || num == NR_exit_group;
}

static bool decoded(int64_t num) {
  return num == NR_mmap || num == NR_mprotect || num == NR_munmap || num == NR_brk ||
         num == NR_mremap || num == NR_madvise || creates_task(num);
}

static void put_control(struct buffer* b, unsigned type, int64_t num, const uint64_t* args,
                        const int64_t* ret) {
  uint8_t* start = reserve(b);
  uint8_t* p = start;
  *p++ = (uint8_t)(MVQ_CONTROL | (type << 2));
  p = put_varint(p, (uint64_t)num);
  for (int i = 0; args != NULL && i < 6; ++i) p = put_u64(p, args[i]);
  if (ret != NULL) p = put_u64(p, (uint64_t)*ret);
  b->len += (uint32_t)(p - start);
}

static void on_syscall(qemu_plugin_id_t id, unsigned vcpu, int64_t num, uint64_t a1, uint64_t a2,
                       uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7,
                       uint64_t a8) {
  (void)id, (void)a7, (void)a8;
  struct buffer* b = buffer_for(vcpu);
  const uint64_t args[6] = {a1, a2, a3, a4, a5, a6};
  b->sys_num = num;
  memcpy(b->sys_args, args, sizeof args);
  if (creates_task(num)) {
    /* A fork copies this buffer: empty it first, so the child does not write it again. */
    flush(b);
    atomic_store_explicit(&frame_limit, MVQ_FRAME_SHARED, memory_order_relaxed);
  } else if (may_not_return(num)) {
    put_control(b, MVQ_SYSCALL_ENTRY, num, args, NULL);
    if (num == NR_exit_group) {
      /* Written at exit, after what the other threads still hold, so that every record of the
       * process comes before its end. */
      exiting_vcpu = (int)vcpu;
      return;
    }
    flush(b);
    if (num == NR_exit) { /* the thread ends; its vCPU index may serve another one */
      buffers[vcpu] = NULL;
      free(b);
    }
  }
}

static void on_syscall_return(qemu_plugin_id_t id, unsigned vcpu, int64_t num, int64_t ret) {
  (void)id;
  struct buffer* b = buffer_for(vcpu);
  if (num == NR_execve || num == NR_execveat) {
    put_control(b, MVQ_SYSCALL_RETURN, num, NULL, &ret);
  } else if (decoded(num) && b->sys_num == num) {
    put_control(b, MVQ_SYSCALL, num, b->sys_args, &ret);
    /* So that the parent's record of a new thread or process comes before most of the child's. */
    if (creates_task(num)) flush(b);
  }
}

/* At exit every other thread has been stopped and its callbacks removed: what it buffered is
 * written here, under its own thread id. */
static void flush_all_at_exit(qemu_plugin_id_t id, void* udata) {
  (void)id, (void)udata;
  for (unsigned i = 0; i < MAX_VCPUS; ++i)
    if (buffers[i] != NULL && (int)i != exiting_vcpu) flush(buffers[i]);
  if (exiting_vcpu >= 0 && buffers[exiting_vcpu] != NULL) flush(buffers[exiting_vcpu]);
}

/* In a forked child the buffers are copies of the parent's, of threads that do not exist here
 * (the forking thread's own was emptied before the fork). */
static void after_fork_in_child(void) {
  parent_tgid = my_tgid;
  my_tgid = (uint32_t)getpid();
  for (unsigned i = 0; i < MAX_VCPUS; ++i) {
    free(buffers[i]);
    buffers[i] = NULL;
  }
}

/* ---- Setup. ---- */

static int parse_args(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) {
    char* end = NULL;
    if (strncmp(argv[i], "fd=", 3) == 0) {
      const long fd = strtol(argv[i] + 3, &end, 10);
      if (*end != '\0' || end == argv[i] + 3 || fd < 0 || fd > 1 << 20) {
        fprintf(stderr, "memvirt qemu plugin: bad descriptor in '%s'\n", argv[i]);
        return -1;
      }
      out_fd = (int)fd;
    } else if (strcmp(argv[i], "exec=insn") == 0) {
      per_block = false;
    } else if (strcmp(argv[i], "exec=block") == 0) {
      per_block = true;
    } else {
      fprintf(stderr,
              "memvirt qemu plugin: unknown argument '%s' (expected fd=N, exec=insn|block)\n",
              argv[i]);
      return -1;
    }
  }
  if (out_fd < 0) {
    fprintf(stderr, "memvirt qemu plugin: needs fd=N, the descriptor to write the trace to\n");
    return -1;
  }
  return 0;
}

MVQ_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t* info, int argc,
                                   char** argv) {
  if (info->system_emulation || strcmp(info->target_name, "x86_64") != 0) {
    fprintf(stderr, "memvirt qemu plugin: only qemu-x86_64 (user mode) is supported, not %s\n",
            info->target_name);
    return -1;
  }
  if (parse_args(argc, argv) != 0) return -1;
  /* The program must not pass the pipe on across an exec: the reader would wait for it. */
  if (fcntl(out_fd, F_SETFD, FD_CLOEXEC) != 0)
    fail_with("fd= names no open descriptor", strerror(errno));
  my_tgid = (uint32_t)getpid();
  uint8_t header[MVQ_STREAM_HEADER] = {0};
  memcpy(header, MVQ_MAGIC, MVQ_MAGIC_LEN);
  header[6] = MVQ_VERSION;
  header[7] = per_block ? MVQ_FLAG_PER_BLOCK : 0;
  write_all(header, sizeof header);
  pthread_atfork(NULL, NULL, after_fork_in_child);
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
  qemu_plugin_register_vcpu_syscall_cb(id, on_syscall);
  qemu_plugin_register_vcpu_syscall_ret_cb(id, on_syscall_return);
  qemu_plugin_register_atexit_cb(id, flush_all_at_exit, NULL);
  return 0;
}
