/*
 * spider-load — a small HTTP/1.1 load generator for a server on a Unix socket.
 *
 * Keeps N keep-alive connections busy with one GET in flight each (no pipelining),
 * for a fixed duration and/or a fixed number of requests, after an optional warm-up,
 * and prints requests/s and latency percentiles. One epoll loop per thread (one thread
 * by default) so the client stays cheap when it shares the CPU with the server.
 *
 * Build: gcc -O2 -Wall -Wextra -o spider-load spider-load.c -lpthread
 * Usage: spider-load -U /path/to.sock [-c 4] [-d 10] [-n N] [-w 1] [-t 1]
 *                    [-o timeout_s] [-H 'Name: value']... [--json] /path
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* ---------- time ---------- */

static inline int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---------- latency histogram ----------
 * Log-linear buckets over nanoseconds: values below 128 ns are exact; above, each
 * power of two is split into 64 buckets, so a bucket is at most 1/64 (~1.6%) wide
 * relative to its value. The exact maximum is kept on the side. */

#define SUB_BITS 7                          /* 128 exact values, then 64 per octave */
#define SUB_HALF (1 << (SUB_BITS - 1))
#define HIST_BUCKETS ((64 - SUB_BITS + 1) * SUB_HALF + SUB_HALF)

typedef struct {
    uint64_t count[HIST_BUCKETS];
    uint64_t total;
    int64_t max_ns;
    double sum_ns;
} histogram;

static inline int hist_index(uint64_t v) {
    if (v < (1u << SUB_BITS)) return (int)v;
    int e = 63 - __builtin_clzll(v);        /* e >= SUB_BITS */
    int shift = e - SUB_BITS + 1;
    return shift * SUB_HALF + (int)(v >> shift);  /* (v >> shift) in [64,128) */
}

/* Midpoint of a bucket, in ns. */
static double hist_value(int idx) {
    if (idx < (1 << SUB_BITS)) return idx;
    int shift = idx / SUB_HALF - 1;
    uint64_t top = (uint64_t)(idx - shift * SUB_HALF);
    double lo = (double)(top << shift);
    return lo + (double)(1ULL << shift) / 2.0;
}

static inline void hist_record(histogram *h, int64_t ns) {
    if (ns < 0) ns = 0;
    h->count[hist_index((uint64_t)ns)]++;
    h->total++;
    h->sum_ns += (double)ns;
    if (ns > h->max_ns) h->max_ns = ns;
}

static void hist_merge(histogram *into, const histogram *from) {
    for (int i = 0; i < HIST_BUCKETS; i++) into->count[i] += from->count[i];
    into->total += from->total;
    into->sum_ns += from->sum_ns;
    if (from->max_ns > into->max_ns) into->max_ns = from->max_ns;
}

/* Value at quantile q (0..1), in ns; never above the exact maximum. */
static double hist_quantile(const histogram *h, double q) {
    if (h->total == 0) return 0;
    uint64_t rank = (uint64_t)(q * (double)h->total + 0.5);
    if (rank < 1) rank = 1;
    if (rank > h->total) rank = h->total;
    uint64_t seen = 0;
    for (int i = 0; i < HIST_BUCKETS; i++) {
        seen += h->count[i];
        if (seen >= rank) {
            double v = hist_value(i);
            return v > (double)h->max_ns ? (double)h->max_ns : v;
        }
    }
    return (double)h->max_ns;
}

/* ---------- configuration ---------- */

typedef struct {
    const char *socket_path;
    const char *path;
    int connections;
    int threads;
    double duration_s;      /* 0 = not given */
    uint64_t max_requests;  /* 0 = not given */
    double warmup_s;
    double timeout_s;       /* per-request timeout */
    int json;
    char *request;          /* the full request bytes */
    size_t request_len;
} config;

static config cfg;
static struct sockaddr_un server_addr;
static socklen_t server_addr_len;

/* Shared clock marks and counters. */
static int64_t t_begin;      /* when connections start (warm-up begins) */
static int64_t t_measure;    /* warm-up ends: requests started from here are measured */
static int64_t t_deadline;   /* hard stop */
static atomic_uint_fast64_t issued_measured;   /* for -n */
static volatile sig_atomic_t interrupted;

/* ---------- per-connection state ---------- */

enum conn_state {
    C_IDLE,         /* not connected; waiting for retry_at */
    C_SENDING,      /* request partly written */
    C_HEADERS,      /* waiting for the response head */
    C_BODY_LEN,     /* Content-Length body */
    C_BODY_CHUNKED, /* chunked body */
    C_BODY_EOF,     /* body runs to connection close */
    C_DONE          /* finished: no more requests from this connection */
};

enum chunk_state { CH_SIZE, CH_EXT, CH_SIZE_LF, CH_DATA, CH_DATA_CR, CH_DATA_LF, CH_TRAILER, CH_TRAILER_LF };

#define HEAD_MAX 16384

typedef struct {
    int fd;
    int want_out;            /* EPOLLOUT is registered (a request is partly written) */
    enum conn_state state;
    size_t sent;             /* bytes of the request written */
    int64_t started;         /* when this request was first written */
    int64_t retry_at;        /* when an idle connection may reconnect */
    uint64_t served;         /* responses on the current socket */
    int measured;            /* this request counts */
    int status;
    int close_after;         /* "Connection: close" seen */
    uint64_t body_left;      /* Content-Length or current chunk bytes left */
    enum chunk_state ch;
    int ch_digits;
    uint64_t body_len;       /* body bytes of the current response */
    size_t head_len;
    char head[HEAD_MAX];
} conn;

typedef struct {
    int id;
    int nconns;
    conn *conns;
    int ep;
    pthread_t thread;
    histogram hist;
    uint64_t ok, non2xx, sock_errors, timeouts, reconnects, connects, unfinished;
    uint64_t last_body_len;
    int64_t last_done;       /* latest measured completion */
    char first_error[160];
} worker;

static void note_error(worker *w, const char *fmt, const char *detail) {
    if (w->first_error[0]) return;
    snprintf(w->first_error, sizeof w->first_error, fmt, detail);
}

/* ---------- connection handling ---------- */

static void start_request(worker *w, conn *c, int64_t now);
static void on_readable(worker *w, conn *c);

static void conn_close(worker *w, conn *c) {
    if (c->fd >= 0) {
        epoll_ctl(w->ep, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
        c->fd = -1;
    }
    c->served = 0;
    c->want_out = 0;
}

/* Drop the socket and try again later; `delay_ns` backs off after a hard failure. */
static void conn_reset(worker *w, conn *c, int64_t delay_ns) {
    conn_close(w, c);
    c->state = C_IDLE;
    c->retry_at = now_ns() + delay_ns;
}

/* Should this connection send another request? Handles the -n budget and the deadline. */
static int may_issue(conn *c, int64_t now) {
    if (interrupted || now >= t_deadline) return 0;
    if (cfg.duration_s > 0 && now >= t_measure + (int64_t)(cfg.duration_s * 1e9)) return 0;
    if (now >= t_measure) {
        if (cfg.max_requests) {
            uint64_t n = atomic_fetch_add(&issued_measured, 1);
            if (n >= cfg.max_requests) return 0;
        }
        c->measured = 1;
    } else {
        c->measured = 0;
    }
    return 1;
}

static int conn_open(worker *w, conn *c) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        w->sock_errors++;
        note_error(w, "socket: %s", strerror(errno));
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&server_addr, server_addr_len) < 0) {
        int e = errno;
        close(fd);
        if (e == EAGAIN || e == EINPROGRESS) {
            /* Unix-socket backlog full: not an error, just try again soon. */
            c->retry_at = now_ns() + 1000000;
            return -1;
        }
        w->sock_errors++;
        note_error(w, "connect: %s", strerror(e));
        c->retry_at = now_ns() + 100000000;   /* 100 ms */
        return -1;
    }
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
    if (epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
        w->sock_errors++;
        note_error(w, "epoll_ctl: %s", strerror(errno));
        close(fd);
        c->retry_at = now_ns() + 100000000;
        return -1;
    }
    c->fd = fd;
    c->served = 0;
    c->want_out = 0;
    w->connects++;
    return 0;
}

/* The server closed a kept-alive socket before answering: resend on a new one. */
static void resend_on_new_socket(worker *w, conn *c) {
    conn_close(w, c);
    w->reconnects++;
    int measured = c->measured;
    if (conn_open(w, c) < 0) { c->state = C_IDLE; return; }
    c->measured = measured;
    c->state = C_SENDING;
    c->sent = 0;
    c->head_len = 0;
    c->started = now_ns();
    start_request(w, c, c->started);
}

/* Write (the rest of) the request. `now` is the request's start if sent == 0. */
static void start_request(worker *w, conn *c, int64_t now) {
    if (c->sent == 0) c->started = now;
    while (c->sent < cfg.request_len) {
        ssize_t n = send(c->fd, cfg.request + c->sent, cfg.request_len - c->sent, MSG_NOSIGNAL);
        if (n > 0) { c->sent += (size_t)n; continue; }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!c->want_out) {
                struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = c };
                epoll_ctl(w->ep, EPOLL_CTL_MOD, c->fd, &ev);
                c->want_out = 1;
            }
            c->state = C_SENDING;
            return;
        }
        /* EPIPE/ECONNRESET on a reused socket: the server closed it while idle. */
        if (c->served > 0 && c->sent == 0) { resend_on_new_socket(w, c); return; }
        w->sock_errors++;
        note_error(w, "send: %s", strerror(errno));
        conn_reset(w, c, 10000000);
        return;
    }
    if (c->want_out) {
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
        epoll_ctl(w->ep, EPOLL_CTL_MOD, c->fd, &ev);
        c->want_out = 0;
    }
    c->state = C_HEADERS;
    c->head_len = 0;
}

/* Connect if needed and send the next request, or park the connection. */
static void next_request(worker *w, conn *c, int64_t now) {
    if (!may_issue(c, now)) {
        conn_close(w, c);
        c->state = C_DONE;
        return;
    }
    if (c->fd < 0) {
        int measured = c->measured;
        if (conn_open(w, c) < 0) { c->state = C_IDLE; return; }
        c->measured = measured;
    }
    c->sent = 0;
    c->state = C_SENDING;
    start_request(w, c, now);
}

static void response_done(worker *w, conn *c) {
    int64_t t = now_ns();
    c->served++;
    int in_window = c->measured && t >= t_measure &&
        (cfg.duration_s <= 0 || t <= t_measure + (int64_t)(cfg.duration_s * 1e9)) && t <= t_deadline;
    if (in_window) {
        hist_record(&w->hist, t - c->started);
        if (c->status >= 200 && c->status < 300) w->ok++;
        else {
            w->non2xx++;
            char s[16];
            snprintf(s, sizeof s, "%d", c->status);
            note_error(w, "HTTP status %s", s);
        }
        w->last_body_len = c->body_len;
        if (t > w->last_done) w->last_done = t;
    }
    if (c->close_after) conn_close(w, c);
    next_request(w, c, t);
}

/* Case-insensitive "name:" match at the start of a header line; returns the value. */
static const char *header_value(const char *line, const char *end, const char *name) {
    size_t n = strlen(name);
    if ((size_t)(end - line) <= n || strncasecmp(line, name, n) != 0 || line[n] != ':') return NULL;
    const char *v = line + n + 1;
    while (v < end && (*v == ' ' || *v == '\t')) v++;
    return v;
}

static int contains_token(const char *v, const char *end, const char *token) {
    size_t n = strlen(token);
    for (const char *p = v; p + n <= end; p++)
        if (strncasecmp(p, token, n) == 0) return 1;
    return 0;
}

/* Parse a complete response head [buf, buf+len) ending in CRLFCRLF. */
static int parse_head(conn *c, const char *buf, size_t len) {
    const char *end = buf + len;
    if (len < 12 || memcmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' ') return -1;
    int status = 0;
    for (int i = 9; i < 12; i++) {
        if (buf[i] < '0' || buf[i] > '9') return -1;
        status = status * 10 + (buf[i] - '0');
    }
    c->status = status;
    c->close_after = (buf[7] == '0');   /* HTTP/1.0: close unless keep-alive */
    int have_len = 0, chunked = 0;
    uint64_t clen = 0;
    const char *line = memchr(buf, '\n', len);
    if (!line) return -1;
    line++;
    while (line < end) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol) break;
        const char *lend = (eol > line && eol[-1] == '\r') ? eol - 1 : eol;
        if (lend == line) break;   /* blank line: end of head */
        const char *v;
        if ((v = header_value(line, lend, "content-length"))) {
            clen = 0;
            have_len = 1;
            for (; v < lend && *v >= '0' && *v <= '9'; v++) clen = clen * 10 + (uint64_t)(*v - '0');
        } else if ((v = header_value(line, lend, "transfer-encoding"))) {
            chunked = contains_token(v, lend, "chunked");
        } else if ((v = header_value(line, lend, "connection"))) {
            if (contains_token(v, lend, "close")) c->close_after = 1;
            else if (contains_token(v, lend, "keep-alive")) c->close_after = 0;
        }
        line = eol + 1;
    }
    c->body_len = 0;
    if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
        c->state = C_BODY_LEN;
        c->body_left = 0;
    } else if (chunked) {
        c->state = C_BODY_CHUNKED;
        c->ch = CH_SIZE;
        c->body_left = 0;
        c->ch_digits = 0;
    } else if (have_len) {
        c->state = C_BODY_LEN;
        c->body_left = clen;
    } else {
        c->state = C_BODY_EOF;
        c->close_after = 1;
    }
    return 0;
}

static int hexval(char ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* Consume chunked-body bytes. Returns bytes used, sets *done at the end, -1 on error. */
static ssize_t feed_chunked(conn *c, const char *p, size_t n, int *done) {
    size_t i = 0;
    *done = 0;
    while (i < n) {
        char ch = p[i];
        switch (c->ch) {
        case CH_SIZE: {
            int h = hexval(ch);
            if (h >= 0) {
                if (++c->ch_digits > 15) return -1;
                c->body_left = c->body_left * 16 + (uint64_t)h;
                i++;
            } else if (c->ch_digits == 0) {
                return -1;
            } else if (ch == ';' || ch == ' ' || ch == '\t') {
                c->ch = CH_EXT; i++;
            } else if (ch == '\r') {
                c->ch = CH_SIZE_LF; i++;
            } else if (ch == '\n') {
                i++;
                goto size_done;
            } else {
                return -1;
            }
            break;
        }
        case CH_EXT:
            if (ch == '\r') c->ch = CH_SIZE_LF;
            else if (ch == '\n') { i++; goto size_done; }
            i++;
            break;
        case CH_SIZE_LF:
            if (ch != '\n') return -1;
            i++;
        size_done:
            c->ch_digits = 0;
            c->ch = c->body_left ? CH_DATA : CH_TRAILER;
            break;
        case CH_DATA: {
            size_t take = n - i;
            if (take > c->body_left) take = (size_t)c->body_left;
            c->body_left -= take;
            c->body_len += take;
            i += take;
            if (c->body_left == 0) c->ch = CH_DATA_CR;
            break;
        }
        case CH_DATA_CR:
            if (ch == '\r') { c->ch = CH_DATA_LF; i++; }
            else if (ch == '\n') { c->ch = CH_SIZE; i++; }
            else return -1;
            break;
        case CH_DATA_LF:
            if (ch != '\n') return -1;
            c->ch = CH_SIZE;
            i++;
            break;
        case CH_TRAILER:   /* at the start of a trailer line (or the final blank line) */
            if (ch == '\r') { c->ch = CH_TRAILER_LF; i++; }
            else if (ch == '\n') { i++; *done = 1; return (ssize_t)i; }
            else {
                /* skip a trailer field line */
                const char *nl = memchr(p + i, '\n', n - i);
                if (!nl) return (ssize_t)n;   /* rest of the line arrives later; stay here */
                i = (size_t)(nl - p) + 1;
            }
            break;
        case CH_TRAILER_LF:
            if (ch != '\n') return -1;
            i++;
            *done = 1;
            return (ssize_t)i;
        }
    }
    return (ssize_t)i;
}

/* Feed received bytes (after the head) to the body parser. Returns leftover count or -1. */
static ssize_t feed_body(worker *w, conn *c, const char *p, size_t n, int *done) {
    (void)w;
    *done = 0;
    switch (c->state) {
    case C_BODY_LEN: {
        size_t take = n < c->body_left ? n : (size_t)c->body_left;
        c->body_left -= take;
        c->body_len += take;
        if (c->body_left == 0) *done = 1;
        return (ssize_t)(n - take);
    }
    case C_BODY_CHUNKED: {
        ssize_t used = feed_chunked(c, p, n, done);
        if (used < 0) return -1;
        return (ssize_t)n - used;
    }
    case C_BODY_EOF:
        c->body_len += n;
        return 0;
    default:
        return -1;
    }
}

static void protocol_error(worker *w, conn *c, const char *what) {
    w->sock_errors++;
    note_error(w, "protocol: %s", what);
    conn_reset(w, c, 10000000);
}

/* Handle a chunk of bytes from the socket. */
static void on_bytes(worker *w, conn *c, const char *data, size_t n) {
    const char *body = NULL;
    size_t body_n = 0;

    if (c->state == C_HEADERS) {
        const char *head;
        size_t head_len;
        size_t consumed_from_data;
        if (c->head_len == 0) {
            const char *m = memmem(data, n, "\r\n\r\n", 4);
            if (!m) {
                if (n > HEAD_MAX) { protocol_error(w, c, "response head too large"); return; }
                memcpy(c->head, data, n);
                c->head_len = n;
                return;
            }
            head = data;
            head_len = (size_t)(m - data) + 4;
            consumed_from_data = head_len;
        } else {
            size_t old = c->head_len;
            size_t room = HEAD_MAX - old;
            size_t copy = n < room ? n : room;
            memcpy(c->head + old, data, copy);
            c->head_len += copy;
            size_t from = old >= 3 ? old - 3 : 0;
            const char *m = memmem(c->head + from, c->head_len - from, "\r\n\r\n", 4);
            if (!m) {
                if (c->head_len >= HEAD_MAX) { protocol_error(w, c, "response head too large"); return; }
                return;
            }
            head = c->head;
            head_len = (size_t)(m - c->head) + 4;
            consumed_from_data = head_len - old;
        }
        if (parse_head(c, head, head_len) < 0) { protocol_error(w, c, "bad status line"); return; }
        c->head_len = 0;
        body = data + consumed_from_data;
        body_n = n - consumed_from_data;
        if (c->status >= 100 && c->status < 200) {
            /* Interim response: ignore and keep waiting for the final one. */
            c->state = C_HEADERS;
            if (body_n) on_bytes(w, c, body, body_n);
            return;
        }
    } else {
        body = data;
        body_n = n;
    }

    int done = 0;
    ssize_t left = feed_body(w, c, body, body_n, &done);
    if (left < 0) { protocol_error(w, c, "bad chunked body"); return; }
    if (done) {
        if (left > 0) { protocol_error(w, c, "unexpected bytes after response"); return; }
        response_done(w, c);
    }
}

static void on_readable(worker *w, conn *c) {
    static __thread char buf[65536];
    ssize_t n = recv(c->fd, buf, sizeof buf, 0);
    if (n > 0) {
        if (c->state == C_SENDING) { protocol_error(w, c, "response before request was sent"); return; }
        if (c->state < C_HEADERS || c->state > C_BODY_EOF) { protocol_error(w, c, "unexpected bytes"); return; }
        on_bytes(w, c, buf, (size_t)n);
        return;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    /* EOF or reset. */
    if (c->state == C_BODY_EOF) { response_done(w, c); return; }
    if ((c->state == C_HEADERS || c->state == C_SENDING) && c->head_len == 0 && c->served > 0) {
        /* Server closed an idle kept-alive socket as we reused it: not an error. */
        resend_on_new_socket(w, c);
        return;
    }
    w->sock_errors++;
    note_error(w, "%s", n == 0 ? "server closed the connection mid-response" : strerror(errno));
    conn_reset(w, c, 10000000);
}

/* ---------- the loop ---------- */

static void *worker_main(void *arg) {
    worker *w = arg;
    w->ep = epoll_create1(EPOLL_CLOEXEC);
    if (w->ep < 0) { perror("epoll_create1"); exit(2); }
    struct epoll_event *events = calloc((size_t)w->nconns, sizeof *events);
    if (!events) { perror("calloc"); exit(2); }

    int64_t now = now_ns();
    for (int i = 0; i < w->nconns; i++) {
        conn *c = &w->conns[i];
        c->fd = -1;
        c->state = C_IDLE;
        c->retry_at = now;
    }
    int64_t timeout_ns = (int64_t)(cfg.timeout_s * 1e9);
    int64_t next_sweep = now;

    for (;;) {
        now = now_ns();
        int active = 0;
        int64_t wake = t_deadline;
        if (now >= next_sweep) {
            /* Reconnect idle connections; time out stalled requests. */
            for (int i = 0; i < w->nconns; i++) {
                conn *c = &w->conns[i];
                if (c->state == C_IDLE && now >= c->retry_at) next_request(w, c, now);
                if (c->state >= C_SENDING && c->state <= C_BODY_EOF && now - c->started > timeout_ns) {
                    if (c->measured && now <= t_deadline) w->timeouts++;
                    note_error(w, "%s", "request timed out");
                    conn_reset(w, c, 0);
                }
            }
            next_sweep = now + 50000000;   /* every 50 ms */
        }
        for (int i = 0; i < w->nconns; i++) {
            conn *c = &w->conns[i];
            if (c->state != C_DONE) active++;
            if (c->state == C_IDLE && c->retry_at < wake) wake = c->retry_at;
        }
        if (!active || interrupted || now >= t_deadline) break;
        if (next_sweep < wake) wake = next_sweep;
        int64_t ms = (wake - now + 999999) / 1000000;
        if (ms < 0) ms = 0;
        if (ms > 1000) ms = 1000;
        int k = epoll_wait(w->ep, events, w->nconns, (int)ms);
        if (k < 0) {
            if (errno == EINTR) continue;
            perror("epoll_wait");
            break;
        }
        for (int i = 0; i < k; i++) {
            conn *c = events[i].data.ptr;
            if (c->fd < 0) continue;
            if ((events[i].events & EPOLLOUT) && c->state == C_SENDING) {
                start_request(w, c, 0);
                if (c->fd < 0) continue;
            }
            if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(w, c);
        }
        /* Idle connections (after a reset) need a sweep soon. */
        for (int i = 0; i < w->nconns; i++)
            if (w->conns[i].state == C_IDLE && w->conns[i].retry_at < next_sweep) next_sweep = w->conns[i].retry_at;
    }
    for (int i = 0; i < w->nconns; i++) {
        conn *c = &w->conns[i];
        if (c->state >= C_SENDING && c->state <= C_BODY_EOF) w->unfinished++;
        conn_close(w, c);
    }
    free(events);
    close(w->ep);
    return NULL;
}

/* ---------- main ---------- */

static void on_signal(int sig) { (void)sig; interrupted = 1; }

static void usage(FILE *f) {
    fprintf(f,
        "usage: spider-load -U socket_path [options] /path\n"
        "  -U path     Unix socket of the server (required)\n"
        "  -c N        keep-alive connections, one request in flight each (default 4)\n"
        "  -d S        measure for S seconds (default 10 unless -n is given)\n"
        "  -n N        measure N requests (with -d: whichever ends first; alone: capped at 300 s)\n"
        "  -w S        warm-up seconds before measuring (default 1)\n"
        "  -t N        threads (default 1); connections are spread across them\n"
        "  -o S        per-request timeout in seconds (default 5); a timeout counts as an error\n"
        "  -H 'K: v'   extra request header (repeatable)\n"
        "  --json      print one JSON line instead of the human-readable report\n"
        "Sends 'GET /path HTTP/1.1' with 'Host: localhost'. Exit status: 0 when at least one\n"
        "request was measured and none failed, 1 when some failed, 2 on a usage error.\n");
}

static double parse_num(const char *s, const char *opt) {
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || v < 0) {
        fprintf(stderr, "spider-load: bad value for %s: %s\n", opt, s);
        exit(2);
    }
    return v;
}

static void json_string(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') fprintf(f, "\\%c", ch);
        else if (ch < 0x20) fprintf(f, "\\u%04x", ch);
        else fputc(ch, f);
    }
    fputc('"', f);
}

int main(int argc, char **argv) {
    cfg.connections = 4;
    cfg.threads = 1;
    cfg.warmup_s = 1;
    cfg.timeout_s = 5;
    const char *headers[64];
    int nheaders = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--json")) { cfg.json = 1; continue; }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); return 0; }
        if (a[0] == '-' && a[1] && !a[2] && strchr("UcdnwtoH", a[1])) {
            if (i + 1 >= argc) { fprintf(stderr, "spider-load: %s needs a value\n", a); return 2; }
            const char *v = argv[++i];
            switch (a[1]) {
            case 'U': cfg.socket_path = v; break;
            case 'c': cfg.connections = (int)parse_num(v, a); break;
            case 'd': cfg.duration_s = parse_num(v, a); break;
            case 'n': cfg.max_requests = (uint64_t)parse_num(v, a); break;
            case 'w': cfg.warmup_s = parse_num(v, a); break;
            case 't': cfg.threads = (int)parse_num(v, a); break;
            case 'o': cfg.timeout_s = parse_num(v, a); break;
            case 'H':
                if (nheaders == 64) { fprintf(stderr, "spider-load: too many -H\n"); return 2; }
                headers[nheaders++] = v;
                break;
            }
            continue;
        }
        if (a[0] == '/' && !cfg.path) { cfg.path = a; continue; }
        fprintf(stderr, "spider-load: unexpected argument: %s\n", a);
        usage(stderr);
        return 2;
    }
    if (!cfg.socket_path || !cfg.path) { usage(stderr); return 2; }
    if (cfg.connections < 1 || cfg.connections > 100000) { fprintf(stderr, "spider-load: -c out of range\n"); return 2; }
    if (cfg.threads < 1) cfg.threads = 1;
    if (cfg.threads > cfg.connections) cfg.threads = cfg.connections;
    if (cfg.timeout_s <= 0) cfg.timeout_s = 5;
    if (cfg.duration_s <= 0 && cfg.max_requests == 0) cfg.duration_s = 10;
    if (strlen(cfg.socket_path) >= sizeof server_addr.sun_path) {
        fprintf(stderr, "spider-load: socket path too long (max %zu bytes)\n", sizeof server_addr.sun_path - 1);
        return 2;
    }
    server_addr.sun_family = AF_UNIX;
    strcpy(server_addr.sun_path, cfg.socket_path);
    server_addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(cfg.socket_path) + 1);

    /* Build the request once. */
    int have_host = 0;
    size_t cap = strlen(cfg.path) + 64;
    for (int i = 0; i < nheaders; i++) {
        cap += strlen(headers[i]) + 2;
        if (!strncasecmp(headers[i], "host:", 5)) have_host = 1;
    }
    cfg.request = malloc(cap);
    if (!cfg.request) return 2;
    size_t len = (size_t)sprintf(cfg.request, "GET %s HTTP/1.1\r\n", cfg.path);
    if (!have_host) len += (size_t)sprintf(cfg.request + len, "Host: localhost\r\n");
    for (int i = 0; i < nheaders; i++) len += (size_t)sprintf(cfg.request + len, "%s\r\n", headers[i]);
    len += (size_t)sprintf(cfg.request + len, "\r\n");
    cfg.request_len = len;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    t_begin = now_ns();
    t_measure = t_begin + (int64_t)(cfg.warmup_s * 1e9);
    double run_s = cfg.duration_s > 0 ? cfg.duration_s : 300;
    t_deadline = t_measure + (int64_t)(run_s * 1e9);

    worker *workers = calloc((size_t)cfg.threads, sizeof *workers);
    conn *conns = calloc((size_t)cfg.connections, sizeof *conns);
    if (!workers || !conns) { perror("calloc"); return 2; }
    int offset = 0;
    for (int i = 0; i < cfg.threads; i++) {
        worker *w = &workers[i];
        w->id = i;
        w->nconns = cfg.connections / cfg.threads + (i < cfg.connections % cfg.threads);
        w->conns = conns + offset;
        offset += w->nconns;
    }
    if (cfg.threads == 1) {
        worker_main(&workers[0]);
    } else {
        for (int i = 0; i < cfg.threads; i++)
            if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) != 0) {
                perror("pthread_create");
                return 2;
            }
        for (int i = 0; i < cfg.threads; i++) pthread_join(workers[i].thread, NULL);
    }
    int64_t t_end = now_ns();

    /* Merge. */
    histogram *h = calloc(1, sizeof *h);
    if (!h) return 2;
    uint64_t ok = 0, non2xx = 0, sock = 0, timeouts = 0, reconnects = 0, connects = 0, unfinished = 0, body = 0;
    int64_t last_done = 0;
    const char *first_error = "";
    for (int i = 0; i < cfg.threads; i++) {
        worker *w = &workers[i];
        hist_merge(h, &w->hist);
        ok += w->ok; non2xx += w->non2xx; sock += w->sock_errors; timeouts += w->timeouts;
        reconnects += w->reconnects; connects += w->connects; unfinished += w->unfinished;
        if (w->last_body_len) body = w->last_body_len;
        if (w->last_done > last_done) last_done = w->last_done;
        if (!first_error[0] && w->first_error[0]) first_error = w->first_error;
    }
    /* The measured window: the full duration with -d; up to the last completion once all
     * -n requests are issued; never past the moment the run actually stopped. */
    int64_t window_end = t_measure + (int64_t)(run_s * 1e9);
    if (cfg.max_requests && atomic_load(&issued_measured) >= cfg.max_requests && last_done > 0 &&
        last_done < window_end)
        window_end = last_done;
    if (t_end < window_end) window_end = t_end;
    double seconds = (double)(window_end - t_measure) / 1e9;
    if (seconds < 0) seconds = 0;
    uint64_t requests = ok + non2xx;
    uint64_t errors = non2xx + sock + timeouts;
    double rps = seconds > 0 ? (double)requests / seconds : 0;
    double us[6] = {
        hist_quantile(h, 0.50) / 1e3, hist_quantile(h, 0.90) / 1e3, hist_quantile(h, 0.99) / 1e3,
        hist_quantile(h, 0.999) / 1e3, (double)h->max_ns / 1e3,
        h->total ? h->sum_ns / (double)h->total / 1e3 : 0,
    };

    if (cfg.json) {
        printf("{\"socket\":");
        json_string(stdout, cfg.socket_path);
        printf(",\"path\":");
        json_string(stdout, cfg.path);
        printf(",\"connections\":%d,\"threads\":%d,\"warmup_s\":%.3f,\"seconds\":%.3f"
               ",\"requests\":%" PRIu64 ",\"errors\":%" PRIu64 ",\"non2xx\":%" PRIu64
               ",\"socket_errors\":%" PRIu64 ",\"timeouts\":%" PRIu64 ",\"resent\":%" PRIu64
               ",\"connects\":%" PRIu64 ",\"unfinished\":%" PRIu64 ",\"body_bytes\":%" PRIu64 ",\"rps\":%.1f"
               ",\"mean_us\":%.1f,\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f"
               ",\"first_error\":",
               cfg.connections, cfg.threads, cfg.warmup_s, seconds, requests, errors, non2xx, sock,
               timeouts, reconnects, connects, unfinished, body, rps, us[5], us[0], us[1], us[2], us[3], us[4]);
        json_string(stdout, first_error);
        printf("}\n");
    } else {
        printf("spider-load  unix:%s  GET %s\n", cfg.socket_path, cfg.path);
        printf("  connections  %d (threads %d), warm-up %.1f s\n", cfg.connections, cfg.threads, cfg.warmup_s);
        printf("  requests     %" PRIu64 "\n", requests);
        printf("  errors       %" PRIu64 "  (non-2xx %" PRIu64 ", socket %" PRIu64 ", timeouts %" PRIu64 ")\n",
               errors, non2xx, sock, timeouts);
        if (first_error[0]) printf("  first error  %s\n", first_error);
        printf("  sockets      %" PRIu64 " opened, %" PRIu64 " requests resent after an idle close, %" PRIu64
               " unfinished at stop\n", connects, reconnects, unfinished);
        printf("  body bytes   %" PRIu64 " (last response)\n", body);
        printf("  seconds      %.3f\n", seconds);
        printf("  requests/s   %.1f\n", rps);
        printf("  latency us   p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  (mean %.1f)\n",
               us[0], us[1], us[2], us[3], us[4], us[5]);
    }
    free(h);
    free(conns);
    free(workers);
    free(cfg.request);
    if (requests == 0) return 1;
    return errors ? 1 : 0;
}
