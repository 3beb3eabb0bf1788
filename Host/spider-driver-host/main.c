/*
 * spider-driver-host: runs one Spider driver in a process of its own, so that whatever the driver
 * does wrong — a crash, a corrupted heap, exit(), a leak without end — ends this process and not
 * spiderd. It dlopens the driver's library, negotiates the ABI (spider_driver.h) exactly as spiderd
 * would, and carries every ABI call over the socketpair on fd 3 (driver_wire.h), but try_call,
 * which has sockets of its own (fds 4 to 3 + N, one thread each here).
 *
 *   spider-driver-host --parent PID [--try-channels N] [--memory-limit-mb N]
 *
 * spiderd starts it (never a person): fd 3 is the socket, 4… the try channels, the signal mask is
 * empty, nothing else is open. It dies with spiderd (PR_SET_PDEATHSIG): a driver still working when spiderd is killed must
 * not go on changing its cloud or its files behind the next spiderd's back. With --memory-limit-mb the
 * data segment (heap and private mappings, RLIMIT_DATA) is capped before the driver loads, so a driver
 * that allocates without end fails here, alone.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "spider_driver.h"
#include "driver_wire.h"

#define WIRE_FD 3

/* ------------------------------------------------------------------ frames */

typedef struct {
    const char *data;
    uint32_t size;
} field;

typedef struct {
    uint16_t kind;
    uint16_t count;
    uint64_t id;
    int64_t a, b;
    field *fields;     /* point into `buffer` */
    char *buffer;      /* owns the frame's bytes */
} frame;

static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

static void put_u16(char *p, uint16_t v) { p[0] = (char)(v & 0xff); p[1] = (char)(v >> 8); }
static void put_u32(char *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (char)((v >> (8 * i)) & 0xff); }
static void put_u64(char *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (char)((v >> (8 * i)) & 0xff); }
static uint16_t get_u16(const char *p) { return (uint16_t)((uint8_t)p[0] | ((uint8_t)p[1] << 8)); }
static uint32_t get_u32(const char *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--) v = (v << 8) | (uint8_t)p[i];
    return v;
}
static uint64_t get_u64(const char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | (uint8_t)p[i];
    return v;
}

/* spiderd is gone (or broke the stream): nothing is left to do for anyone. */
static void host_gone(void) { _exit(0); }

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) host_gone();
        p += w;
        n -= (size_t)w;
    }
}

/* Sends one whole frame on `fd`; concurrent senders on the main socket take turns (a try channel
   has one thread, its only writer). */
static void send_frame_on(int fd, uint16_t kind, uint64_t id, int64_t a, int64_t b, const field *fields, uint16_t count)
{
    size_t total = SPIDER_WIRE_HEADER_SIZE;
    for (uint16_t i = 0; i < count; i++) total += 4 + fields[i].size;
    char *out = malloc(total);
    if (!out) _exit(70);   /* out of memory: the host sees this process end */
    put_u32(out, (uint32_t)(total - 4));
    put_u16(out + 4, kind);
    put_u16(out + 6, count);
    put_u64(out + 8, id);
    put_u64(out + 16, (uint64_t)a);
    put_u64(out + 24, (uint64_t)b);
    char *p = out + SPIDER_WIRE_HEADER_SIZE;
    for (uint16_t i = 0; i < count; i++) {
        put_u32(p, fields[i].size);
        if (fields[i].size) memcpy(p + 4, fields[i].data, fields[i].size);
        p += 4 + fields[i].size;
    }
    if (fd == WIRE_FD) pthread_mutex_lock(&write_lock);
    write_all(fd, out, total);
    if (fd == WIRE_FD) pthread_mutex_unlock(&write_lock);
    free(out);
}

static void send_frame(uint16_t kind, uint64_t id, int64_t a, int64_t b, const field *fields, uint16_t count)
{
    send_frame_on(WIRE_FD, kind, id, a, b, fields, count);
}

static int read_all(int fd, char *p, size_t n)
{
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

/* Reads the next frame from `fd`; ends the process at end of stream or on a malformed frame. */
static frame read_frame(int fd)
{
    char head[4];
    if (read_all(fd, head, 4) != 0) host_gone();
    uint32_t length = get_u32(head);
    if (length < SPIDER_WIRE_HEADER_SIZE - 4 || length > SPIDER_WIRE_MAX_FRAME) host_gone();
    frame f = { 0 };
    f.buffer = malloc(length);
    if (!f.buffer) _exit(70);
    if (read_all(fd, f.buffer, length) != 0) host_gone();
    f.kind = get_u16(f.buffer);
    f.count = get_u16(f.buffer + 2);
    f.id = get_u64(f.buffer + 4);
    f.a = (int64_t)get_u64(f.buffer + 12);
    f.b = (int64_t)get_u64(f.buffer + 20);
    f.fields = calloc(f.count ? f.count : 1, sizeof(field));
    if (!f.fields) _exit(70);
    size_t at = SPIDER_WIRE_HEADER_SIZE - 4;
    for (uint16_t i = 0; i < f.count; i++) {
        if (at + 4 > length) host_gone();
        uint32_t size = get_u32(f.buffer + at);
        at += 4;
        if (size > length - at) host_gone();
        f.fields[i].data = f.buffer + at;
        f.fields[i].size = size;
        at += size;
    }
    return f;
}

static void free_frame(frame *f)
{
    free(f->fields);
    free(f->buffer);
}

/* A field as a NUL-terminated copy (the ABI wants C strings for names and keys). */
static char *field_string(const field *f)
{
    char *s = malloc((size_t)f->size + 1);
    if (!s) _exit(70);
    memcpy(s, f->data, f->size);
    s[f->size] = 0;
    return s;
}

/* ------------------------------------------------------------------ calls in flight */

/* What spider_call_context points at in this process: one CALL's id, deadline and cancel flag. */
struct spider_call_context {
    uint64_t id;
    uint64_t deadline_ns;      /* CLOCK_MONOTONIC */
    atomic_int cancelled;
    struct spider_call_context *next;
};

static pthread_mutex_t calls_lock = PTHREAD_MUTEX_INITIALIZER;
static struct spider_call_context *calls;

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* A CANCEL can overtake its CALL: the CALL's thread registers the call only once it runs. Ids
 * cancelled before their call was tracked wait here (a small ring: the host sends a CANCEL only
 * for a call it sent, so an entry is consumed within moments or belongs to a finished call). */
#define EARLY_CANCELS 64
static uint64_t early_cancels[EARLY_CANCELS];
static unsigned early_next;

static void track(struct spider_call_context *c)
{
    pthread_mutex_lock(&calls_lock);
    c->next = calls;
    calls = c;
    for (unsigned i = 0; i < EARLY_CANCELS; i++) {
        if (early_cancels[i] == c->id && c->id != 0) {
            atomic_store(&c->cancelled, 1);
            early_cancels[i] = 0;
        }
    }
    pthread_mutex_unlock(&calls_lock);
}

static void untrack(struct spider_call_context *c)
{
    pthread_mutex_lock(&calls_lock);
    for (struct spider_call_context **p = &calls; *p; p = &(*p)->next) {
        if (*p == c) { *p = c->next; break; }
    }
    pthread_mutex_unlock(&calls_lock);
}

static void cancel(uint64_t id)
{
    int found = 0;
    pthread_mutex_lock(&calls_lock);
    for (struct spider_call_context *c = calls; c; c = c->next)
        if (c->id == id) { atomic_store(&c->cancelled, 1); found = 1; }
    if (!found) {   /* its CALL's thread has not tracked it yet (or it has finished) */
        early_cancels[early_next] = id;
        early_next = (early_next + 1) % EARLY_CANCELS;
    }
    pthread_mutex_unlock(&calls_lock);
}

/* ------------------------------------------------------------------ host services */

static void svc_log(void *host_data, spider_log_level level, const char *message, size_t len)
{
    (void)host_data;
    field text = { message, message ? (uint32_t)len : 0 };
    send_frame(SPIDER_WIRE_LOG, 0, level, 0, &text, 1);
}

static int32_t svc_is_cancelled(void *host_data, const spider_call_context *ctx)
{
    (void)host_data;
    if (!ctx) return 0;
    return atomic_load(&((struct spider_call_context *)ctx)->cancelled) || now_ns() >= ctx->deadline_ns;
}

static int64_t svc_remaining_ms(void *host_data, const spider_call_context *ctx)
{
    (void)host_data;
    if (!ctx) return INT64_MAX;
    uint64_t now = now_ns();
    return now >= ctx->deadline_ns ? 0 : (int64_t)((ctx->deadline_ns - now) / 1000000u);
}

static void svc_progress(void *host_data, const spider_call_context *ctx, uint64_t done, uint64_t total, const char *stage)
{
    (void)host_data;
    if (!ctx) return;
    field label = { stage, stage ? (uint32_t)strlen(stage) : 0 };
    send_frame(SPIDER_WIRE_PROGRESS, ctx->id, (int64_t)done, (int64_t)total, &label, 1);
}

static spider_host_services services = {
    .struct_size = sizeof(spider_host_services),
    .abi_version = SPIDER_ABI_VERSION,
    .host_data = NULL,
    .log = svc_log,
    .is_cancelled = svc_is_cancelled,
    .deadline_remaining_ms = svc_remaining_ms,
    .progress = svc_progress,
    .data_dir = NULL,
};

/* ------------------------------------------------------------------ the driver */

static const spider_driver_table *table;
static int offers_try_call;

static spider_result empty_result(void)
{
    spider_result r;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    r.status = SPIDER_INTERNAL;
    return r;
}

/* Sends a RESULT for `id` on `fd` from a driver's result, then gives its buffers back to the driver. */
static void send_result_on(int fd, uint64_t id, spider_result *r, int64_t b)
{
    field out[3] = {
        { r->json, r->json ? (uint32_t)r->json_len : 0 },
        { r->message, r->message ? (uint32_t)r->message_len : 0 },
        { r->cloud_error, r->cloud_error ? (uint32_t)r->cloud_error_len : 0 },
    };
    send_frame_on(fd, SPIDER_WIRE_RESULT, id, r->status, b, out, 3);
    table->release(table->driver_data, r);
}

static void send_result(uint64_t id, spider_result *r, int64_t b) { send_result_on(WIRE_FD, id, r, b); }

static void send_failure_on(int fd, uint64_t id, spider_status status, const char *message)
{
    field out[3] = { { NULL, 0 }, { message, (uint32_t)strlen(message) }, { NULL, 0 } };
    send_frame_on(fd, SPIDER_WIRE_RESULT, id, status, 0, out, 3);
}

static void send_failure(uint64_t id, spider_status status, const char *message) { send_failure_on(WIRE_FD, id, status, message); }

static void hello(frame *f)
{
    if (f->kind != SPIDER_WIRE_HELLO || f->count < 3) {
        const char *why = "the first frame was not HELLO";
        field text = { why, (uint32_t)strlen(why) };
        send_frame(SPIDER_WIRE_FAILED, 0, 0, 0, &text, 1);
        _exit(2);
    }
    if (f->id != SPIDER_WIRE_VERSION) {
        char why[160];
        snprintf(why, sizeof why, "this spider-driver-host speaks wire version %d and spiderd %llu: use the helper built with spiderd",
                 SPIDER_WIRE_VERSION, (unsigned long long)f->id);
        field text = { why, (uint32_t)strlen(why) };
        send_frame(SPIDER_WIRE_FAILED, 0, 0, 0, &text, 1);
        _exit(2);
    }
    char *path = field_string(&f->fields[0]);
    services.data_dir = field_string(&f->fields[1]);
    char why[1024];
    void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!library) {
        snprintf(why, sizeof why, "dlopen failed: %s", dlerror());
        goto failed;
    }
    spider_driver_entry_fn entry = (spider_driver_entry_fn)dlsym(library, SPIDER_DRIVER_ENTRY_SYMBOL);
    if (!entry) {
        snprintf(why, sizeof why, "it does not export %s, so it is not a Spider driver", SPIDER_DRIVER_ENTRY_SYMBOL);
        goto failed;
    }
    uint32_t chosen = 0;
    spider_status status = entry(&services, (uint32_t)f->a, (uint32_t)f->b, &chosen, &table);
    if (status != SPIDER_OK || !table) {
        snprintf(why, sizeof why, "ABI negotiation failed (host offers %lld-%lld, driver answered status %d)",
                 (long long)f->a, (long long)f->b, status);
        goto failed;
    }
    offers_try_call = table->struct_size >= offsetof(spider_driver_table, try_call) + sizeof(void *) && table->try_call;
    field names[2] = {
        { table->name, table->name ? (uint32_t)strlen(table->name) : 0 },
        { table->version, table->version ? (uint32_t)strlen(table->version) : 0 },
    };
    send_frame(SPIDER_WIRE_READY, 0, chosen, offers_try_call, names, 2);
    free(path);
    return;
failed:
    {
        field text = { why, (uint32_t)strlen(why) };
        send_frame(SPIDER_WIRE_FAILED, 0, 0, 0, &text, 1);
        _exit(3);
    }
}

/* Each CONNECT, CALL and DISCONNECT runs on a thread of its own (they may block); the frame goes with it. */
static void *run_connect(void *arg)
{
    frame *f = arg;
    size_t credentials = (size_t)f->a, region = (size_t)f->b;
    if (f->count != 1 + 2 * (credentials + region)) {
        send_failure(f->id, SPIDER_INTERNAL, "malformed CONNECT frame");
        goto done;
    }
    char *name = field_string(&f->fields[0]);
    spider_kv *kvs = calloc(credentials + region + 1, sizeof(spider_kv));
    if (!kvs) _exit(70);
    for (size_t i = 0; i < credentials + region; i++) {
        kvs[i].key = field_string(&f->fields[1 + 2 * i]);
        kvs[i].value = field_string(&f->fields[2 + 2 * i]);
    }
    spider_connection_info info = {
        .struct_size = sizeof info, .reserved = 0, .connection_name = name,
        .credentials = kvs, .credential_count = credentials,
        .region = kvs + credentials, .region_count = region,
    };
    spider_connection *handle = NULL;
    spider_result r = empty_result();
    table->connect(table->driver_data, &info, &handle, &r);
    send_result(f->id, &r, r.status == SPIDER_OK ? (int64_t)(uintptr_t)handle : 0);
    for (size_t i = 0; i < credentials + region; i++) { free((char *)kvs[i].key); free((char *)kvs[i].value); }
    free(kvs);
    free(name);
done:
    free_frame(f);
    free(f);
    return NULL;
}

static void *run_call(void *arg)
{
    frame *f = arg;
    if (f->count != 2) {
        send_failure(f->id, SPIDER_INTERNAL, "malformed CALL frame");
    } else {
        struct spider_call_context ctx = { .id = f->id, .deadline_ns = now_ns() + (uint64_t)(f->b < 0 ? 0 : f->b) * 1000000u };
        atomic_init(&ctx.cancelled, 0);
        track(&ctx);
        char *operation = field_string(&f->fields[0]);
        spider_result r = empty_result();
        table->call((spider_connection *)(uintptr_t)f->a, &ctx, operation, f->fields[1].data, f->fields[1].size, &r);
        untrack(&ctx);
        send_result(f->id, &r, r.retry_after_ms);
        free(operation);
    }
    free_frame(f);
    free(f);
    return NULL;
}

static void *run_disconnect(void *arg)
{
    frame *f = arg;
    table->disconnect((spider_connection *)(uintptr_t)f->a);
    send_frame(SPIDER_WIRE_RESULT, f->id, SPIDER_OK, 0, NULL, 0);
    free_frame(f);
    free(f);
    return NULL;
}

/* Answers a TRY_CALL on the try channel `fd` it came from. */
static void try_call(int fd, frame *f)
{
    if (f->kind != SPIDER_WIRE_TRY_CALL || f->count != 2) { send_failure_on(fd, f->id, SPIDER_INTERNAL, "a try channel carries TRY_CALL frames only"); return; }
    if (!offers_try_call) { send_frame_on(fd, SPIDER_WIRE_RESULT, f->id, SPIDER_WIRE_DECLINED, 0, NULL, 0); return; }
    char *operation = field_string(&f->fields[0]);
    spider_result r = empty_result();
    int32_t answered = table->try_call((spider_connection *)(uintptr_t)f->a, operation, f->fields[1].data, f->fields[1].size, &r);
    if (answered == 1) send_result_on(fd, f->id, &r, r.retry_after_ms);
    else send_frame_on(fd, SPIDER_WIRE_RESULT, f->id, SPIDER_WIRE_DECLINED, 0, NULL, 0);
    free(operation);
}

/* One try channel's thread: spiderd's I/O threads wait on the answer, so it comes straight back on
   the same socket without passing another thread on either side. */
static void *serve_try_channel(void *arg)
{
    int fd = (int)(intptr_t)arg;
    for (;;) {
        frame f = read_frame(fd);
        try_call(fd, &f);
        free_frame(&f);
    }
    return NULL;
}

static void start_try_channels(int count)
{
    for (int i = 0; i < count; i++) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&thread, &attributes, serve_try_channel, (void *)(intptr_t)(WIRE_FD + 1 + i)) != 0) {
            close(WIRE_FD + 1 + i);   /* spiderd sees the channel closed and uses the others */
        }
        pthread_attr_destroy(&attributes);
    }
}

static void detach(void *(*body)(void *), frame *f)
{
    frame *owned = malloc(sizeof *owned);
    if (!owned) _exit(70);
    *owned = *f;
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&thread, &attributes, body, owned) != 0) {
        send_failure(owned->id, SPIDER_RETRYABLE, "the driver's process cannot start another thread");
        free_frame(owned);
        free(owned);
    }
    pthread_attr_destroy(&attributes);
}

int main(int argc, char **argv)
{
    long parent = 0;
    int try_channels = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--parent") == 0 && i + 1 < argc) {
            parent = strtol(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--try-channels") == 0 && i + 1 < argc) {
            try_channels = (int)strtol(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--memory-limit-mb") == 0 && i + 1 < argc) {
            rlim_t bytes = (rlim_t)strtoull(argv[++i], NULL, 10) * 1024 * 1024;
            struct rlimit limit = { bytes, bytes };
            if (bytes > 0 && setrlimit(RLIMIT_DATA, &limit) != 0) perror("spider-driver-host: setrlimit(RLIMIT_DATA)");
        } else {
            fprintf(stderr, "spider-driver-host: spiderd starts this program; unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }
    /* Killed when spiderd ends (its spawning thread lives as long as it does); if it ended already,
       before this line, the parent is someone else now. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (parent > 0 && getppid() != (pid_t)parent) return 0;
    /* A write to a closed socket is an error to handle, not a signal that ends us mid-frame;
       an interrupt from the terminal is spiderd's to handle: it ends us by closing the socket. */
    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, SIG_IGN);

    frame first = read_frame(WIRE_FD);
    hello(&first);
    free_frame(&first);
    if (offers_try_call) start_try_channels(try_channels);

    for (;;) {
        frame f = read_frame(WIRE_FD);
        switch (f.kind) {
        case SPIDER_WIRE_CONNECT: detach(run_connect, &f); continue;
        case SPIDER_WIRE_CALL: detach(run_call, &f); continue;
        case SPIDER_WIRE_DISCONNECT: detach(run_disconnect, &f); continue;
        case SPIDER_WIRE_CANCEL: cancel(f.id); break;
        case SPIDER_WIRE_TRY_CALL: send_failure(f.id, SPIDER_INTERNAL, "TRY_CALL travels on a try channel"); break;
        case SPIDER_WIRE_PING: send_frame(SPIDER_WIRE_PONG, f.id, 0, 0, NULL, 0); break;
        default: send_failure(f.id, SPIDER_INTERNAL, "unknown frame kind"); break;
        }
        free_frame(&f);
    }
}
