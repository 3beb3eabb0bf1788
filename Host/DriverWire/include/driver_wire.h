/*
 * driver_wire.h — how spiderd talks to a driver running in its own process.
 *
 * An isolated driver runs in `spider-driver-host`, a small helper that dlopens the driver's .so and
 * speaks the driver ABI (spider_driver.h) to it; spiderd speaks to the helper over one socketpair
 * (the helper's fd 3), and try_call over `--try-channels N` more (fds 4 to 3 + N). Every ABI
 * function crosses as frames on those streams:
 *
 *   spiderd → helper                         helper → spiderd
 *   HELLO   (library, data dir, ABI range)   READY (chosen ABI, name, version, try_call?) or FAILED
 *   CONNECT (id, connection name, kvs)       RESULT (id; handle on success)
 *   CALL    (id, handle, deadline, op, json) RESULT (id, status, json | message, cloud error)
 *   TRY_CALL(id, handle, op, json)           RESULT (id; flags: answered or declined)
 *   CANCEL  (id of a CALL)                   LOG (level, text), PROGRESS (id, done, total, stage)
 *   DISCONNECT (id, handle)                  RESULT (id)
 *   PING    (id)                             PONG (id)
 *
 * A frame is a fixed header and `field_count` byte strings, all integers little-endian:
 *
 *   uint32 length      bytes after this field (header rest + fields), at most SPIDER_WIRE_MAX_FRAME
 *   uint16 kind        SPIDER_WIRE_*
 *   uint16 field_count
 *   uint64 id          pairs a reply with its request (0 for READY/FAILED and LOG; SPIDER_WIRE_VERSION
 *                      for HELLO, which the helper checks)
 *   int64  a, b        two integers whose meaning depends on the kind (below)
 *   then field_count × { uint32 size; size bytes }   (a NULL buffer and an empty one are both size 0)
 *
 * Rules:
 *  - Requests may be in flight concurrently; replies come in any order, matched by id.
 *  - TRY_CALL travels only on a try channel, one request at a time per channel: a thread of the
 *    helper per channel reads it, calls try_call and writes the RESULT back on the same channel, where
 *    spiderd's I/O thread waits for it (bounded; a late answer is read and dropped before the channel's
 *    next use). No other thread stands between them on either side: this is the fast read path.
 *    A try channel is opened only when the driver offers try_call.
 *  - On fd 3, everything else runs on a thread of its own in the helper.
 *  - The helper never writes a partial frame: one writer at a time, whole frames.
 *  - End of stream either way ends the conversation: the helper exits when spiderd goes away, and
 *    spiderd treats a helper that closes, crashes or exits as gone (every call in flight fails).
 */
#ifndef SPIDER_DRIVER_WIRE_H
#define SPIDER_DRIVER_WIRE_H

#include <stdint.h>

/* Bumped when frames change incompatibly; HELLO carries it and a helper built with another refuses. */
#define SPIDER_WIRE_VERSION 2

/* The largest frame either side accepts (a price list of a whole region fits many times over). */
#define SPIDER_WIRE_MAX_FRAME (1u << 30)

#define SPIDER_WIRE_HEADER_SIZE 32   /* length + kind + field_count + id + a + b */

enum {
    /* spiderd → helper */
    SPIDER_WIRE_HELLO      = 1,  /* a: lowest ABI, b: highest ABI; fields: library path, data dir, driver label */
    SPIDER_WIRE_CONNECT    = 2,  /* a: credential count, b: region count; fields: connection name, then
                                    key, value for each credential, then for each region key */
    SPIDER_WIRE_CALL       = 3,  /* a: handle, b: ms left before the deadline; fields: operation, request */
    SPIDER_WIRE_TRY_CALL   = 4,  /* a: handle; fields: operation, request */
    SPIDER_WIRE_CANCEL     = 5,  /* id: the CALL to cancel (it may arrive before the CALL runs: the helper keeps it until then) */
    SPIDER_WIRE_DISCONNECT = 6,  /* a: handle */
    SPIDER_WIRE_PING       = 7,

    /* helper → spiderd */
    SPIDER_WIRE_READY      = 64, /* a: chosen ABI, b: 1 when the driver offers try_call; fields: name, version */
    SPIDER_WIRE_FAILED     = 65, /* fields: why the library could not be loaded */
    SPIDER_WIRE_RESULT     = 66, /* a: spider_status (or SPIDER_WIRE_DECLINED for a TRY_CALL), b: the handle
                                    (CONNECT) or retry_after_ms (CALL); fields: json, message, cloud error */
    SPIDER_WIRE_LOG        = 67, /* a: spider_log_level; fields: text */
    SPIDER_WIRE_PROGRESS   = 68, /* id: the CALL; a: done, b: total; fields: stage */
    SPIDER_WIRE_PONG       = 69
};

/* RESULT.a for a TRY_CALL the driver declined (it would have to block). */
#define SPIDER_WIRE_DECLINED (-1)

/* SPIDER_WIRE_VERSION, as compiled into this module (spiderd checks its helper with it). */
int spider_wire_version(void);

/* pipe2(fds, O_CLOEXEC), for spiderd (Swift's Glibc module does not declare pipe2). */
int spider_wire_pipe(int fds[2]);

#endif /* SPIDER_DRIVER_WIRE_H */
