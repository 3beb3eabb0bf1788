/*
 * spider_driver.h — the Spider driver ABI, version 1.
 *
 * This header is the whole contract between the Spider host (`spiderd`) and a cloud driver.
 * A driver is a shared library (`.so`) that exports exactly one symbol, `spider_driver_entry`,
 * and ships a manifest, `driver.json`, beside it. Everything else travels in the two tables
 * below: the host hands the driver a table of services, the driver hands back its own table.
 *
 *   host                                   driver (.so)
 *   ----                                   ------------
 *   dlopen(RTLD_NOW|RTLD_LOCAL|RTLD_NODELETE)
 *   spider_driver_entry(host, 1, 1, &v, &t) -> picks v, returns its table t
 *   t->connect(t->driver_data, info, &conn, &res)      one handle per connection config
 *   t->call(conn, ctx, "vpc.create", json, len, &res)  any number, possibly concurrent
 *   t->try_call(conn, "vpc.get", json, len, &res)      optional: answer at once or decline
 *   t->release(t->driver_data, &res)                   after every connect and call
 *   t->disconnect(conn)                                once, after the last call on conn
 *
 * Operation names and the JSON of their requests and results are listed in
 * DriverABI/OPERATIONS.md (versioned with this header). Field names are CB-Spider's.
 *
 * Rules that keep the ABI stable (learned from Vulkan, SQLite and OpenSSL providers):
 *  - Every table starts with `struct_size` and `abi_version` and only ever grows at the end.
 *    Read a field only if `offsetof(field) + sizeof(field) <= struct_size`; never copy a table
 *    by your own `sizeof`.
 *  - Payloads are UTF-8 JSON passed as (pointer, length). They are not NUL-terminated unless
 *    said so; the receiver must not read past the length.
 *  - Whoever allocates a buffer frees it: the driver allocates result buffers and the host
 *    gives them back through the driver's `release`. The host owns everything it passes in;
 *    those pointers are valid only for the duration of the call.
 *  - Link the driver with hidden visibility (gcc -fvisibility=hidden, or a version script)
 *    and export only `spider_driver_entry`. The driver never links against the host.
 *  - The host never unloads a driver (it is opened with RTLD_NODELETE): a new version is
 *    loaded side by side from its own folder. Do not rely on library destructors running.
 *  - The driver may run inside spiderd or, by default, in a process of its own that spiderd starts
 *    for it (spider-driver-host), which loads it the same way and carries these calls over a
 *    socket. A driver cannot tell and must not care: everything below holds in both. That process
 *    may be killed at any moment (it dies with spiderd): keep what `data_dir` holds consistent at
 *    every instant (write a new file, then rename it over the old one).
 */
#ifndef SPIDER_DRIVER_H
#define SPIDER_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The newest ABI version this header describes. Drivers compiled against it speak 1..1. */
#define SPIDER_ABI_VERSION 1

/* The one symbol a driver exports, and its type (see spider_driver_entry_fn below). */
#define SPIDER_DRIVER_ENTRY_SYMBOL "spider_driver_entry"

/* ---------------------------------------------------------------------------------------
 * Status codes. Every call reports one; each tells the caller what to do next.
 * The host maps them to HTTP statuses (shown on the right).
 * ------------------------------------------------------------------------------------ */
typedef int32_t spider_status;
enum {
    SPIDER_OK                = 0, /* done; `json` holds the result                      200 */
    SPIDER_NOT_FOUND         = 1, /* the named resource does not exist                  404 */
    SPIDER_ALREADY_EXISTS    = 2, /* a resource with that name/ID exists already        409 */
    SPIDER_INVALID_ARGUMENT  = 3, /* the request is malformed or a value is out of range 400 */
    SPIDER_UNSUPPORTED       = 4, /* this driver or cloud cannot do that operation      501 */
    SPIDER_UNAUTHENTICATED   = 5, /* credentials missing, wrong or expired              401 */
    SPIDER_PERMISSION_DENIED = 6, /* credentials valid but not allowed                  403 */
    SPIDER_CONFLICT          = 7, /* wrong state or a dependency is in use              409 */
    SPIDER_RETRYABLE         = 8, /* throttled or briefly unavailable; retry after
                                     `retry_after_ms`                                    503 */
    SPIDER_INTERNAL          = 9, /* anything else: a bug or an unexpected cloud answer 502 */
    SPIDER_CANCELLED         = 10 /* the driver stopped because is_cancelled said so    504 */
};

/* Log levels for spider_host_services.log. */
typedef int32_t spider_log_level;
enum {
    SPIDER_LOG_DEBUG = 0,
    SPIDER_LOG_INFO  = 1,
    SPIDER_LOG_WARN  = 2,
    SPIDER_LOG_ERROR = 3
};

/* A key/value pair; both strings are NUL-terminated UTF-8 owned by the host. */
typedef struct spider_kv {
    const char *key;
    const char *value;
} spider_kv;

/* Opaque to the driver: identifies one in-flight call (its deadline and cancellation). */
typedef struct spider_call_context spider_call_context;

/* Opaque to the host: the driver's per-connection state. Created by `connect`. */
typedef struct spider_connection spider_connection;

/* ---------------------------------------------------------------------------------------
 * Host services: passed to spider_driver_entry, valid for the life of the process.
 * Every function here is thread-safe and may be called from any thread.
 * ------------------------------------------------------------------------------------ */
typedef struct spider_host_services {
    uint32_t struct_size;   /* sizeof as the host built it; read fields within it only */
    uint32_t abi_version;   /* the host's newest ABI version */

    void *host_data;        /* pass back as the first argument of the functions below */

    /* Write a log line (UTF-8, `len` bytes, no trailing newline needed) to the host's log,
       tagged with the driver's name. */
    void (*log)(void *host_data, spider_log_level level, const char *message, size_t len);

    /* Returns 1 when the call should stop (the client went away or the call's deadline has
       passed), else 0. A long call should check it between cloud requests and return
       SPIDER_CANCELLED. `ctx` is the context the host passed to `call`; it may be NULL,
       in which case the answer is 0. */
    int32_t (*is_cancelled)(void *host_data, const spider_call_context *ctx);

    /* Milliseconds left before the call's deadline (0 when passed, INT64_MAX when none). */
    int64_t (*deadline_remaining_ms)(void *host_data, const spider_call_context *ctx);

    /* Report progress of a long call: `done` of `total` units (total 0 = unknown),
       `stage` a short NUL-terminated label or NULL. Optional to call. */
    void (*progress)(void *host_data, const spider_call_context *ctx,
                     uint64_t done, uint64_t total, const char *stage);

    /* A folder (NUL-terminated absolute path) that belongs to this driver alone and survives
       host restarts: keep any state the driver must persist here. The host creates it. */
    const char *data_dir;
} spider_host_services;

/* ---------------------------------------------------------------------------------------
 * What a connection is made from: the credential and region key/values of a
 * connection config (keys as declared in the manifest's credential_keys / region_keys).
 *
 * A PRE-CONNECTION has `region_count == 0`: the host opens it from a driver and a
 * credential alone (CB-Spider's /preconfig routes), to ask which regions exist before any
 * region is chosen. A driver must accept it, check the credential as usual, and answer the
 * `regionzone.*` operations on it; any other operation on it answers
 * SPIDER_INVALID_ARGUMENT (or SPIDER_UNSUPPORTED). The host disconnects it after one call.
 * ------------------------------------------------------------------------------------ */
typedef struct spider_connection_info {
    uint32_t struct_size;
    uint32_t reserved;
    const char *connection_name;     /* the config's name, for log lines only */
    const spider_kv *credentials;    /* e.g. {"ClientId", "..."}, {"ClientSecret", "..."} */
    size_t credential_count;
    const spider_kv *region;         /* e.g. {"Region", "us-east-2"}, {"Zone", "us-east-2a"} */
    size_t region_count;
} spider_connection_info;

/* ---------------------------------------------------------------------------------------
 * The outcome of `connect` and `call`. The host zero-fills it and sets `struct_size`
 * before the call; the driver sets `status` and the fields that apply. All buffers are
 * allocated by the driver and handed back through `release`, on success and on error alike.
 * ------------------------------------------------------------------------------------ */
typedef struct spider_result {
    uint32_t struct_size;     /* set by the host */
    spider_status status;
    uint32_t retry_after_ms;  /* with SPIDER_RETRYABLE: how long to wait; 0 = unknown */
    uint32_t reserved;
    char *json;               /* SPIDER_OK: the result document (UTF-8 JSON) */
    size_t json_len;
    char *message;            /* errors: a human-readable sentence naming what failed */
    size_t message_len;
    char *cloud_error;        /* errors, optional: the cloud's raw error (code and text) */
    size_t cloud_error_len;
} spider_result;

/* ---------------------------------------------------------------------------------------
 * The driver table: returned by spider_driver_entry, must stay valid (and unchanged) for
 * the life of the process — a static const struct is the usual choice.
 *
 * Thread-safety contract:
 *  - `connect` may run concurrently with itself and with calls on other connections.
 *  - `call` may run concurrently on the SAME connection from several host threads; the
 *    driver synchronizes its own per-connection state. The host never calls into one
 *    connection after `disconnect` began.
 *  - `disconnect` is called exactly once per successful `connect`, after every `call` on
 *    that connection has returned.
 *  - `release` may be called from any thread, once per connect/call result, and must
 *    accept NULL buffers.
 *  - `call` may block: the host runs it on its own worker threads, never on its I/O threads,
 *    so a driver may do blocking network I/O. It should honor is_cancelled.
 *  - `try_call` must never block (see below); it may run concurrently with `call`.
 *  - Two connections must never share mutable state by accident (no hidden globals);
 *    state that is shared on purpose (one cloud account seen by two connections) is the
 *    driver's to lock.
 * ------------------------------------------------------------------------------------ */
typedef struct spider_driver_table {
    uint32_t struct_size;    /* sizeof(spider_driver_table) as the driver built it */
    uint32_t abi_version;    /* the version chosen in spider_driver_entry */

    const char *name;        /* NUL-terminated; must equal the manifest's "name" */
    const char *version;     /* NUL-terminated; must equal the manifest's "version" */
    void *driver_data;       /* passed back to connect and release */

    /* Open a connection. On SPIDER_OK store a handle in *out_connection; otherwise leave it
       NULL and explain in `result->message` (e.g. which credential key is missing).
       `result->json` may describe the connection (optional). */
    void (*connect)(void *driver_data, const spider_connection_info *info,
                    spider_connection **out_connection, spider_result *result);

    /* Close a connection and free its state. */
    void (*disconnect)(spider_connection *connection);

    /* Run one operation. `operation` is a NUL-terminated name such as "vpc.create";
       `request` is `request_len` bytes of JSON (at least "{}"). An operation the driver
       does not know must answer SPIDER_UNSUPPORTED. */
    void (*call)(spider_connection *connection, const spider_call_context *ctx,
                 const char *operation, const char *request, size_t request_len,
                 spider_result *result);

    /* Free the buffers of a result filled by this driver (json, message, cloud_error).
       Must not free the struct itself: the host owns it. */
    void (*release)(void *driver_data, spider_result *result);

    /* Optional (NULL = not offered): answer `operation` only if it can be done at once, without
       blocking — from memory, with no network or disk I/O, no sleep and no wait for a busy lock.
       Return 1 after filling `result` exactly as `call` would (and it is released the same way);
       return 0, touching nothing, when the answer would need to block: the host then runs `call`
       on a worker thread. The host calls it on its I/O threads, so it must NEVER block; it saves
       two thread hops per request for answers a driver holds in memory (catalogue caches, an
       in-memory cloud). The host only tries operations that change nothing (get, list, status). */
    int32_t (*try_call)(spider_connection *connection, const char *operation,
                        const char *request, size_t request_len, spider_result *result);
} spider_driver_table;

/* ---------------------------------------------------------------------------------------
 * The entry symbol. Version negotiation: the host offers the range of ABI versions it
 * speaks [host_min, host_max]; the driver picks the newest one it also speaks, writes it
 * to *out_abi_version and its table to *out_table, and returns SPIDER_OK. When the ranges
 * do not overlap it returns SPIDER_UNSUPPORTED and leaves *out_table NULL; the host then
 * refuses the driver with a message naming both ranges.
 *
 * The host calls it once per loaded library, before any other call. `host` stays valid for
 * the life of the process.
 * ------------------------------------------------------------------------------------ */
typedef spider_status (*spider_driver_entry_fn)(const spider_host_services *host,
                                                uint32_t host_min, uint32_t host_max,
                                                uint32_t *out_abi_version,
                                                const spider_driver_table **out_table);

/* Declare it in the driver exactly like this (with default visibility):
 *   __attribute__((visibility("default")))
 *   spider_status spider_driver_entry(const spider_host_services *host,
 *                                     uint32_t host_min, uint32_t host_max,
 *                                     uint32_t *out_abi_version,
 *                                     const spider_driver_table **out_table);
 */

#ifdef __cplusplus
}
#endif

#endif /* SPIDER_DRIVER_H */
