/* The byte stream memvirt's QEMU plugin writes and QemuWireDecoder reads. C-compatible: the
 * plugin (C) and the reader (C++) share these constants and nothing else.
 *
 * Stream: an 8-byte header (the magic "MVQEMU", then the version as one byte, then a byte of
 * flags: bit 0 set when execute records are per block instead of per instruction), then
 * frames. A frame is 16 bytes of header, all u32 little-endian:
 *   payload length (bytes after the header), tgid (host process id), tid (host thread id),
 *   parent tgid (the process this one was forked from; 0 for the first process)
 * then that many bytes of records, all made by that one thread. (Host ids, not qemu's vCPU
 * indices: those are reused as threads come and go, and a forked child keeps its parent's.)
 * Threads and processes write whole frames with one write(2) each, so frames from several
 * writers never interleave inside.
 * Delta state (the previous addresses) starts at 0 in every frame.
 *
 * A record starts with a tag byte: bits 0-1 the kind (0 read, 1 write, 2 execute, 3 control).
 * Access (kinds 0-2): bits 2-7 the size in bytes, 1 to 63, or 0 when a varint size follows;
 *   then the address as a zigzag varint delta from the previous address of the same class
 *   (execute, or read/write) in the frame.
 * Control (kind 3): bits 2-7 the control type:
 *   MVQ_SYSCALL: a finished system call: varint number, 6 u64 arguments, i64 return value.
 *   MVQ_SYSCALL_ENTRY: a call that may not return (execve, exit, exit_group): varint number
 *     and 6 u64 arguments.
 *   MVQ_SYSCALL_RETURN: the return of such a call that did return: varint number, i64 return.
 * Varints are LEB128 (7 bits a byte, low first, at most 10 bytes); fixed integers are little
 * endian. */
#ifndef MEMVIRT_QEMU_WIRE_H
#define MEMVIRT_QEMU_WIRE_H

#define MVQ_MAGIC "MVQEMU"
#define MVQ_MAGIC_LEN 6
#define MVQ_VERSION 1
#define MVQ_STREAM_HEADER 8
#define MVQ_FLAG_PER_BLOCK 1

#define MVQ_FRAME_HEADER 16
/* The most payload bytes a frame holds: while one thread of one process writes, and from the
 * first clone or fork on, when a frame must fit in PIPE_BUF (4096 on Linux), the size a pipe
 * writes atomically, header included, so that writers never interleave inside one. */
#define MVQ_FRAME_MAX 65536
#define MVQ_FRAME_SHARED (4096 - MVQ_FRAME_HEADER)

#define MVQ_READ 0
#define MVQ_WRITE 1
#define MVQ_EXECUTE 2
#define MVQ_CONTROL 3

#define MVQ_SYSCALL 1
#define MVQ_SYSCALL_ENTRY 2
#define MVQ_SYSCALL_RETURN 3

#define MVQ_SIZE_INLINE_MAX 63
/* The longest record: a tag, a 10-byte varint number, 6 arguments and a return value. */
#define MVQ_RECORD_MAX (1 + 10 + 6 * 8 + 8)

#endif
