/*
 * check.c — tests the example driver the way the host uses it: dlopen the library, negotiate
 * the ABI version, connect, call every operation (and its error cases), release every result,
 * disconnect.
 *
 *   usage: cexample-check path/to/libspider-driver-cexample.so     (set CHECK_VERBOSE=1 for logs)
 *
 * It stops at the first failure with a message saying what was expected, and ends with
 * "N passed, 0 failed". Every request is handed over in a buffer of exactly its length, without
 * a NUL after it, so running this under valgrind also catches a driver reading past request_len.
 */
#define _POSIX_C_SOURCE 200809L

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spider_driver.h"
#include "json_mini.h"

/* ---- reporting ---- */

static int passed;

#define CHECK(cond, ...)                                                        \
    do {                                                                        \
        if (cond) {                                                             \
            passed++;                                                           \
        } else {                                                                \
            fprintf(stderr, "FAILED at check.c:%d: ", __LINE__);                \
            fprintf(stderr, __VA_ARGS__);                                       \
            fprintf(stderr, "\n%d passed, 1 failed\n", passed);                 \
            exit(1);                                                            \
        }                                                                       \
    } while (0)

static const char *status_name(spider_status s)
{
    static const char *const names[] = {
        "OK", "NOT_FOUND", "ALREADY_EXISTS", "INVALID_ARGUMENT", "UNSUPPORTED", "UNAUTHENTICATED",
        "PERMISSION_DENIED", "CONFLICT", "RETRYABLE", "INTERNAL", "CANCELLED"
    };
    return s >= 0 && (size_t)s < sizeof names / sizeof names[0] ? names[s] : "(unknown status)";
}

/* ---- a pretend host ---- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int log_lines, verbose;
static const char cancel_marker = 0;
/* The context this host says is cancelled (the driver treats contexts as opaque). */
#define CANCELLED_CTX ((const spider_call_context *)(const void *)&cancel_marker)

static void host_log(void *host_data, spider_log_level level, const char *message, size_t len)
{
    (void)host_data;
    pthread_mutex_lock(&log_lock);
    log_lines++;
    if (verbose)
        fprintf(stderr, "  [driver log %d] %.*s\n", (int)level, (int)len, message);
    pthread_mutex_unlock(&log_lock);
}

static int32_t host_is_cancelled(void *host_data, const spider_call_context *ctx)
{
    (void)host_data;
    return ctx == CANCELLED_CTX;
}

static int64_t host_deadline_remaining_ms(void *host_data, const spider_call_context *ctx)
{
    (void)host_data;
    return ctx == CANCELLED_CTX ? 0 : INT64_MAX;
}

static void host_progress(void *host_data, const spider_call_context *ctx, uint64_t done,
                          uint64_t total, const char *stage)
{
    (void)host_data, (void)ctx, (void)done, (void)total, (void)stage;
}

static const spider_host_services HOST = {
    .struct_size = sizeof(spider_host_services),
    .abi_version = SPIDER_ABI_VERSION,
    .host_data = NULL,
    .log = host_log,
    .is_cancelled = host_is_cancelled,
    .deadline_remaining_ms = host_deadline_remaining_ms,
    .progress = host_progress,
    .data_dir = "/tmp",
};

static const spider_driver_table *T;

/* ---- calling the driver ---- */

static char *copy_text(const char *data, size_t len)
{
    char *s = malloc(len + 1);
    if (s == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    if (len > 0)
        memcpy(s, data, len);
    s[len] = '\0';
    return s;
}

static int is_json_object(const char *data, size_t len)
{
    json_value *v = json_parse(data, len, NULL);
    int ok = v != NULL && v->type == JSON_OBJECT;
    json_free(v);
    return ok;
}

/* What a result said, copied out before it is released: the JSON on success, the message
   on error. Freed by the next call and at the end. */
static char *last;

/* Checks the result contract, copies the text out, releases the result. */
static spider_status take_result(spider_result *r, const char *what)
{
    spider_status status = r->status;

    free(last);
    if (status == SPIDER_OK) {
        CHECK(r->json != NULL && r->json_len > 0, "%s: OK without a JSON document", what);
        CHECK(is_json_object(r->json, r->json_len), "%s: result is not a JSON object: %.*s", what,
              (int)r->json_len, r->json);
        last = copy_text(r->json, r->json_len);
    } else {
        CHECK(r->message != NULL && r->message_len > 0, "%s: %s without a message", what,
              status_name(status));
        CHECK(r->json == NULL, "%s: an error result also carries JSON", what);
        last = copy_text(r->message, r->message_len);
    }
    T->release(T->driver_data, r);
    CHECK(r->json == NULL && r->message == NULL && r->cloud_error == NULL,
          "%s: release left buffers behind", what);
    return status;
}

/* Calls `operation` with `len` bytes of `request`, in a buffer of exactly that size. */
static spider_status call_n(spider_connection *c, const spider_call_context *ctx, const char *operation,
                            const char *request, size_t len)
{
    spider_result r;
    char *exact = malloc(len > 0 ? len : 1);

    CHECK(exact != NULL, "out of memory");
    memcpy(exact, request, len);
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    T->call(c, ctx, operation, exact, len, &r);
    free(exact);
    return take_result(&r, operation);
}

/* Calls, then checks the status and that the reply (JSON or message) contains `needle`. */
static const char *expect(spider_connection *c, const char *operation, const char *request,
                          spider_status want, const char *needle)
{
    spider_status got = call_n(c, NULL, operation, request, strlen(request));

    CHECK(got == want, "%s %s: expected %s, got %s: %s", operation, request, status_name(want),
          status_name(got), last);
    if (needle != NULL)
        CHECK(strstr(last, needle) != NULL, "%s %s: expected the reply to contain [%s], got: %s",
              operation, request, needle, last);
    return last;
}

static spider_status connect_with(const spider_kv *credentials, size_t credential_count,
                                  const spider_kv *region, size_t region_count,
                                  spider_connection **out)
{
    spider_connection_info info;
    spider_result r;

    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    info.connection_name = "check-connection";
    info.credentials = credentials;
    info.credential_count = credential_count;
    info.region = region;
    info.region_count = region_count;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    *out = (spider_connection *)(void *)&r;    /* garbage: the driver must reset it */
    T->connect(T->driver_data, &info, out, &r);
    if (r.status != SPIDER_OK)
        CHECK(*out == NULL, "a failed connect left a connection handle");
    return take_result(&r, "connect");
}

static int count_of(const char *haystack, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(haystack, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* ---- concurrency: several threads create, read and delete VPCs on one connection ---- */

#define THREADS 4
#define ROUNDS 25

typedef struct {
    spider_connection *connection;
    int index;
    int failures;
    char first_failure[256];
} worker;

/* Calls and counts a failure when the status is not `want`. */
static spider_status worker_expect(worker *w, const char *operation, const char *request, spider_status want,
                                   char *json_out, size_t json_out_size)
{
    spider_result r;
    spider_status status;

    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    T->call(w->connection, NULL, operation, request, strlen(request), &r);
    status = r.status;
    if (json_out != NULL && r.json != NULL)
        snprintf(json_out, json_out_size, "%.*s", (int)r.json_len, r.json);
    if (status != want && w->failures++ == 0)
        snprintf(w->first_failure, sizeof w->first_failure, "%s: %s (wanted %s) %.*s", operation,
                 status_name(status), status_name(want), (int)r.message_len, r.message ? r.message : "");
    T->release(T->driver_data, &r);
    return status;
}

static spider_status worker_call(worker *w, const char *operation, const char *request, char *json_out,
                                 size_t json_out_size)
{
    return worker_expect(w, operation, request, SPIDER_OK, json_out, json_out_size);
}

/* The SystemId that follows `"SystemId":"<prefix>` in `json`, copied into `out` (32 bytes). */
static int system_id_of(const char *json, const char *prefix, char *out)
{
    char marker[48];
    const char *at;

    snprintf(marker, sizeof marker, "\"SystemId\":\"%s", prefix);
    at = strstr(json, marker);
    return at != NULL && sscanf(at, "\"SystemId\":\"%31[^\"]", out) == 1;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    char request[256], reply[1024], system_id[32];

    for (int i = 0; i < ROUNDS; i++) {
        const char *id;
        snprintf(request, sizeof request,
                 "{\"IId\":{\"NameId\":\"w%d-%d\",\"SystemId\":\"\"},\"IPv4_CIDR\":\"10.%d.0.0/16\","
                 "\"SubnetInfoList\":[{\"IId\":{\"NameId\":\"s\",\"SystemId\":\"\"},"
                 "\"IPv4_CIDR\":\"10.%d.1.0/24\"}]}", w->index, i, i, i);
        if (worker_call(w, "vpc.create", request, reply, sizeof reply) != SPIDER_OK)
            continue;
        id = strstr(reply, "\"SystemId\":\"exvpc-");
        if (id == NULL || sscanf(id, "\"SystemId\":\"%31[^\"]", system_id) != 1) {
            if (w->failures++ == 0)
                snprintf(w->first_failure, sizeof w->first_failure, "no SystemId in %.200s", reply);
            continue;
        }
        snprintf(request, sizeof request, "{\"IId\":{\"NameId\":\"w%d-%d\",\"SystemId\":\"%s\"}}",
                 w->index, i, system_id);
        worker_call(w, "vpc.get", request, NULL, 0);
        worker_call(w, "vpc.list", "{}", NULL, 0);
        worker_call(w, "vpc.delete", request, NULL, 0);
    }
    return NULL;
}

/* Each VM worker starts, drives and terminates VMs in one shared subnet, with its own key pairs;
   the last round's VM is left running, so the main thread can check that the addresses the
   concurrent starts got are all different. */
static char shared_vpc_id[32], shared_subnet_id[32];

static void *vm_worker_main(void *arg)
{
    worker *w = arg;
    char request[1024], reply[4096], key_id[32], vm_id[32], key_iid[96], vm_iid[96];

    for (int i = 0; i < ROUNDS; i++) {
        snprintf(request, sizeof request, "{\"IId\":{\"NameId\":\"kw%d-%d\",\"SystemId\":\"\"}}", w->index, i);
        if (worker_call(w, "keypair.create", request, reply, sizeof reply) != SPIDER_OK)
            continue;
        if (!system_id_of(reply, "exkey-", key_id)) {
            if (w->failures++ == 0)
                snprintf(w->first_failure, sizeof w->first_failure, "no key SystemId in %.200s", reply);
            continue;
        }
        snprintf(key_iid, sizeof key_iid, "{\"IId\":{\"NameId\":\"kw%d-%d\",\"SystemId\":\"%s\"}}", w->index, i, key_id);
        snprintf(request, sizeof request,
                 "{\"IId\":{\"NameId\":\"vw%d-%d\",\"SystemId\":\"\"},\"ImageIID\":{\"NameId\":\"img\",\"SystemId\":\"img\"},"
                 "\"VpcIID\":{\"NameId\":\"cc-vpc\",\"SystemId\":\"%s\"},\"SubnetIID\":{\"NameId\":\"cc-sn\",\"SystemId\":\"%s\"},"
                 "\"SecurityGroupIIDs\":[],\"VMSpecName\":\"ex.small\",\"KeyPairIID\":{\"NameId\":\"kw%d-%d\",\"SystemId\":\"%s\"}}",
                 w->index, i, shared_vpc_id, shared_subnet_id, w->index, i, key_id);
        if (worker_call(w, "vm.start", request, reply, sizeof reply) != SPIDER_OK)
            continue;
        if (!system_id_of(reply, "exvm-", vm_id)) {
            if (w->failures++ == 0)
                snprintf(w->first_failure, sizeof w->first_failure, "no VM SystemId in %.200s", reply);
            continue;
        }
        snprintf(vm_iid, sizeof vm_iid, "{\"IId\":{\"NameId\":\"vw%d-%d\",\"SystemId\":\"%s\"}}", w->index, i, vm_id);
        worker_call(w, "vm.get", vm_iid, NULL, 0);
        worker_call(w, "vm.suspend", vm_iid, NULL, 0);
        worker_expect(w, "vm.suspend", vm_iid, SPIDER_CONFLICT, NULL, 0);
        worker_call(w, "vm.status", vm_iid, reply, sizeof reply);
        if (strstr(reply, "Suspended") == NULL && w->failures++ == 0)
            snprintf(w->first_failure, sizeof w->first_failure, "not Suspended after vm.suspend: %.200s", reply);
        worker_call(w, "vm.resume", vm_iid, NULL, 0);
        worker_call(w, "vm.reboot", vm_iid, NULL, 0);
        worker_call(w, "vm.list", "{}", NULL, 0);
        worker_call(w, "vm.status.list", "{}", NULL, 0);
        worker_call(w, "keypair.list", "{}", NULL, 0);
        worker_expect(w, "keypair.delete", key_iid, SPIDER_CONFLICT, NULL, 0);
        snprintf(request, sizeof request, "{\"IId\":{\"NameId\":\"cc-vpc\",\"SystemId\":\"%s\"}}", shared_vpc_id);
        worker_expect(w, "vpc.delete", request, SPIDER_CONFLICT, NULL, 0);
        if (i == ROUNDS - 1)
            break;                      /* this one stays */
        worker_call(w, "vm.terminate", vm_iid, NULL, 0);
        worker_expect(w, "vm.status", vm_iid, SPIDER_NOT_FOUND, NULL, 0);
        worker_call(w, "keypair.delete", key_iid, NULL, 0);
    }
    return NULL;
}

/* ---- the tests ---- */

static void test_negotiation(void *library)
{
    spider_driver_entry_fn entry;
    const spider_driver_table *table = (const spider_driver_table *)&passed;   /* garbage */
    uint32_t version = 0;
    spider_status status;

    *(void **)(&entry) = dlsym(library, SPIDER_DRIVER_ENTRY_SYMBOL);
    CHECK(entry != NULL, "the library does not export %s", SPIDER_DRIVER_ENTRY_SYMBOL);

    status = entry(&HOST, 2, 3, &version, &table);
    CHECK(status == SPIDER_UNSUPPORTED, "a host speaking ABI [2,3] must be refused, got %s",
          status_name(status));
    CHECK(table == NULL, "a refused negotiation must leave the table NULL");

    status = entry(&HOST, 1, 5, &version, &table);
    CHECK(status == SPIDER_OK, "a host speaking ABI [1,5] must be accepted, got %s", status_name(status));
    CHECK(version == 1, "the driver must pick version 1, picked %u", (unsigned)version);
    CHECK(table != NULL && table->struct_size >= sizeof(spider_driver_table),
          "the driver table is missing or too small");
    CHECK(table->abi_version == 1, "the table says ABI %u", (unsigned)table->abi_version);
    CHECK(strcmp(table->name, "cexample") == 0 && strcmp(table->version, "1.0.0") == 0,
          "name/version %s %s do not match driver.json", table->name, table->version);
    CHECK(table->connect && table->disconnect && table->call && table->release,
          "the driver table has empty slots");
    T = table;
}

static void test_connect_errors(void)
{
    const spider_kv key[] = { { "ApiKey", "secret" } };
    const spider_kv other[] = { { "ClientId", "x" } };
    const spider_kv east[] = { { "Region", "example-east" } };
    const spider_kv mars[] = { { "Region", "mars-1" } };
    const spider_kv zone_only[] = { { "Zone", "example-east-a" } };
    const spider_kv bad_zone[] = { { "Region", "example-east" }, { "Zone", "example-west-a" } };
    spider_connection *c;

    CHECK(connect_with(other, 1, east, 1, &c) == SPIDER_INVALID_ARGUMENT && strstr(last, "ApiKey"),
          "connect without ApiKey: want INVALID_ARGUMENT naming ApiKey, got: %s", last);
    CHECK(connect_with(NULL, 0, east, 1, &c) == SPIDER_INVALID_ARGUMENT && strstr(last, "ApiKey"),
          "connect with no credentials: want INVALID_ARGUMENT naming ApiKey, got: %s", last);
    CHECK(connect_with(key, 1, zone_only, 1, &c) == SPIDER_INVALID_ARGUMENT && strstr(last, "Region"),
          "connect with region keys but no Region: want INVALID_ARGUMENT naming Region, got: %s", last);
    CHECK(connect_with(NULL, 0, NULL, 0, &c) == SPIDER_INVALID_ARGUMENT && strstr(last, "ApiKey"),
          "a pre-connection still needs its credential: want INVALID_ARGUMENT naming ApiKey, got: %s", last);
    CHECK(connect_with(key, 1, mars, 1, &c) == SPIDER_INVALID_ARGUMENT && strstr(last, "'Region'")
              && strstr(last, "mars-1"),
          "connect to an unknown region: want INVALID_ARGUMENT, got: %s", last);
    CHECK(connect_with(key, 1, bad_zone, 2, &c) == SPIDER_INVALID_ARGUMENT && strstr(last, "'Zone'")
              && strstr(last, "example-west-a"),
          "connect with a zone of another region: want INVALID_ARGUMENT, got: %s", last);
}

/* No region keys at all: a pre-connection answers regionzone.* and refuses the rest. */
static void test_preconnection(void)
{
    const spider_kv key[] = { { "ApiKey", "secret" } };
    spider_connection *pre;

    CHECK(connect_with(key, 1, NULL, 0, &pre) == SPIDER_OK, "a pre-connection (no region keys): %s", last);
    expect(pre, "regionzone.list", "{}", SPIDER_OK, "\"Name\":\"example-west\"");
    expect(pre, "regionzone.get", "{\"Name\":\"example-east\"}", SPIDER_OK, "\"Name\":\"example-east-a\"");
    expect(pre, "vmspec.list", "{}", SPIDER_INVALID_ARGUMENT, "pre-connection");
    expect(pre, "vpc.list", "{}", SPIDER_INVALID_ARGUMENT, "pre-connection");
    T->disconnect(pre);
}

static void test_catalogue(spider_connection *east, spider_connection *west)
{
    expect(east, "regionzone.list", "{}", SPIDER_OK, "\"regionzone\":[");
    CHECK(strstr(last, "\"Name\":\"example-east\"") && strstr(last, "\"Name\":\"example-west\"")
              && strstr(last, "\"Name\":\"example-east-b\"") && strstr(last, "\"Status\":\"Available\""),
          "regionzone.list misses regions or zones: %s", last);
    expect(east, "regionzone.get", "{\"Name\":\"example-west\"}", SPIDER_OK, "\"Name\":\"example-west-a\"");
    CHECK(strncmp(last, "{\"Name\":\"example-west\"", 22) == 0, "regionzone.get answers a RegionZoneInfo");
    expect(east, "regionzone.get", "{\"Name\":\"mars-1\"}", SPIDER_NOT_FOUND, "mars-1");
    expect(east, "regionzone.get", "{}", SPIDER_INVALID_ARGUMENT, "'Name'");
    expect(east, "regionzone.get", "{\"Name\":7}", SPIDER_INVALID_ARGUMENT, "must be a string");
    expect(east, "regionzone.get", "{\"Name\":null}", SPIDER_INVALID_ARGUMENT, "missing field 'Name'");

    expect(east, "vmspec.list", "{}", SPIDER_OK, "\"vmspec\":[");
    CHECK(count_of(last, "\"Region\":\"example-east\"") == 4 && strstr(last, "\"Name\":\"ex.gpu\"")
              && strstr(last, "\"Model\":\"T4\""),
          "vmspec.list in example-east should list 4 specs with the GPU one: %s", last);
    expect(west, "vmspec.list", "{}", SPIDER_OK, "\"Name\":\"ex.small\"");
    CHECK(count_of(last, "\"Region\":\"example-west\"") == 3 && strstr(last, "ex.gpu") == NULL,
          "vmspec.list in example-west should list 3 specs, no GPU: %s", last);
    expect(east, "vmspec.get", "{\"Name\":\"ex.medium\"}", SPIDER_OK,
           "\"VCpu\":{\"Count\":\"2\",\"ClockGHz\":\"2.5\"},\"MemSizeMiB\":\"4096\"");
    expect(west, "vmspec.get", "{\"Name\":\"ex.gpu\"}", SPIDER_NOT_FOUND, "ex.gpu");
    expect(east, "vmspec.get", "{\"Name\":\"ex.huge\"}", SPIDER_NOT_FOUND, "ex.huge");
    expect(east, "vmspec.get", "{\"Name\":\"\"}", SPIDER_INVALID_ARGUMENT, "must not be empty");
}

static void test_vpcs(spider_connection *east, spider_connection *west)
{
    /* create, with two subnets (one in a named zone, one in the default) and tags that need escaping */
    expect(east, "vpc.create",
           "{\"IId\":{\"NameId\":\"vpc-01\",\"SystemId\":\"\"},\"IPv4_CIDR\":\"10.0.0.0/16\","
           " \"SubnetInfoList\":[{\"IId\":{\"NameId\":\"sn-a\",\"SystemId\":\"\"},\"IPv4_CIDR\":\"10.0.1.0/24\","
           "\"Zone\":\"example-east-b\"},{\"IId\":{\"NameId\":\"sn-b\"},\"IPv4_CIDR\":\"10.0.2.0/24\"}],"
           "\"TagList\":[{\"Key\":\"note\",\"Value\":\"a \\\"quoted\\\" \\\\ value\\n\\t\\u0001\"},"
           "{\"Key\":\"owner\"}]}",
           SPIDER_OK, "{\"IId\":{\"NameId\":\"vpc-01\",\"SystemId\":\"exvpc-0001\"},\"IPv4_CIDR\":\"10.0.0.0/16\"");
    CHECK(strstr(last, "{\"IId\":{\"NameId\":\"sn-a\",\"SystemId\":\"exsubnet-0001\"},\"Zone\":\"example-east-b\"")
              && strstr(last, "{\"IId\":{\"NameId\":\"sn-b\",\"SystemId\":\"exsubnet-0002\"},\"Zone\":\"example-east-a\""),
          "vpc.create: subnets are missing or in the wrong zone: %s", last);
    CHECK(strstr(last, "\"Value\":\"a \\\"quoted\\\" \\\\ value\\n\\t\\u0001\"")
              && strstr(last, "{\"Key\":\"owner\",\"Value\":\"\"}"),
          "vpc.create: tags not echoed with correct escapes: %s", last);

    /* a name with non-ASCII characters, written as \u escapes (one a surrogate pair) */
    expect(east, "vpc.create",
           "{\"IId\":{\"NameId\":\"vpc-\\u00e9\\ud83d\\ude00\"},\"IPv4_CIDR\":\"192.168.0.0/24\",\"SubnetInfoList\":[]}",
           SPIDER_OK, "\"NameId\":\"vpc-\xc3\xa9\xf0\x9f\x98\x80\",\"SystemId\":\"exvpc-0002\"");
    CHECK(strstr(last, "\"SubnetInfoList\":[]"), "an empty subnet list is written as []: %s", last);

    /* create: errors */
    expect(east, "vpc.create", "{\"IId\":{\"NameId\":\"vpc-01\"},\"IPv4_CIDR\":\"10.1.0.0/16\",\"SubnetInfoList\":[]}",
           SPIDER_ALREADY_EXISTS, "vpc-01");
    expect(east, "vpc.create", "{\"IPv4_CIDR\":\"10.1.0.0/16\",\"SubnetInfoList\":[]}",
           SPIDER_INVALID_ARGUMENT, "'IId'");
    expect(east, "vpc.create", "{\"IId\":{\"SystemId\":\"\"},\"IPv4_CIDR\":\"10.1.0.0/16\",\"SubnetInfoList\":[]}",
           SPIDER_INVALID_ARGUMENT, "'IId.NameId'");
    expect(east, "vpc.create", "{\"IId\":{\"NameId\":\"v\"},\"SubnetInfoList\":[]}",
           SPIDER_INVALID_ARGUMENT, "'IPv4_CIDR'");
    expect(east, "vpc.create", "{\"IId\":{\"NameId\":\"v\"},\"IPv4_CIDR\":\"10.1.0.0/16\"}",
           SPIDER_INVALID_ARGUMENT, "'SubnetInfoList'");
    expect(east, "vpc.create", "{\"IId\":{\"NameId\":\"v\"},\"IPv4_CIDR\":\"10.1.0.0/16\",\"SubnetInfoList\":{}}",
           SPIDER_INVALID_ARGUMENT, "'SubnetInfoList' must be a array");
    {
        static const char *const bad_cidrs[] = {
            "10.1.0.0/33", "10.1.0.1/16", "10.1.0/16", "10.1.0.0", "256.1.0.0/16", "010.1.0.0/16",
            "10.1.0.0/16 ", "-1.0.0.0/8", "10.1.0.0/", "10.1.0.0/016"
        };
        for (size_t i = 0; i < sizeof bad_cidrs / sizeof bad_cidrs[0]; i++) {
            char request[200];
            snprintf(request, sizeof request,
                     "{\"IId\":{\"NameId\":\"v\"},\"IPv4_CIDR\":\"%s\",\"SubnetInfoList\":[]}", bad_cidrs[i]);
            expect(east, "vpc.create", request, SPIDER_INVALID_ARGUMENT, "is not an IPv4 CIDR block");
        }
    }
    expect(east, "vpc.create",
           "{\"IId\":{\"NameId\":\"v\"},\"IPv4_CIDR\":\"10.1.0.0/16\",\"SubnetInfoList\":[{\"IPv4_CIDR\":\"10.1.1.0/24\"}]}",
           SPIDER_INVALID_ARGUMENT, "'SubnetInfoList[0].IId'");
    expect(east, "vpc.create",
           "{\"IId\":{\"NameId\":\"v\"},\"IPv4_CIDR\":\"10.1.0.0/16\",\"SubnetInfoList\":["
           "{\"IId\":{\"NameId\":\"a\"},\"IPv4_CIDR\":\"10.1.1.0/24\"},{\"IId\":{}, \"IPv4_CIDR\":\"10.1.2.0/24\"}]}",
           SPIDER_INVALID_ARGUMENT, "'SubnetInfoList[1].IId.NameId'");
    expect(east, "vpc.create",
           "{\"IId\":{\"NameId\":\"v\"},\"IPv4_CIDR\":\"10.1.0.0/16\",\"SubnetInfoList\":[\"x\"]}",
           SPIDER_INVALID_ARGUMENT, "'SubnetInfoList[0]' must be an object");
    expect(east, "vpc.create",
           "{\"IId\":{\"NameId\":\"v\"},\"IPv4_CIDR\":\"10.1.0.0/16\",\"SubnetInfoList\":["
           "{\"IId\":{\"NameId\":\"a\"},\"IPv4_CIDR\":\"10.2.1.0/24\"}]}",
           SPIDER_INVALID_ARGUMENT, "not inside the VPC's 10.1.0.0/16");
    expect(east, "vpc.create",
           "{\"IId\":{\"NameId\":\"v\"},\"IPv4_CIDR\":\"10.1.0.0/16\",\"SubnetInfoList\":["
           "{\"IId\":{\"NameId\":\"a\"},\"IPv4_CIDR\":\"10.1.0.0/20\"},{\"IId\":{\"NameId\":\"b\"},\"IPv4_CIDR\":\"10.1.4.0/24\"}]}",
           SPIDER_INVALID_ARGUMENT, "overlaps subnet 'a'");
    expect(east, "vpc.create",
           "{\"IId\":{\"NameId\":\"v\"},\"IPv4_CIDR\":\"10.1.0.0/16\",\"SubnetInfoList\":["
           "{\"IId\":{\"NameId\":\"a\"},\"IPv4_CIDR\":\"10.1.1.0/24\",\"Zone\":\"example-west-a\"}]}",
           SPIDER_INVALID_ARGUMENT, "'SubnetInfoList[0].Zone'");
    expect(east, "vpc.create",
           "{\"IId\":{\"NameId\":\"v\"},\"IPv4_CIDR\":\"10.1.0.0/16\",\"SubnetInfoList\":[],\"TagList\":[{\"Value\":\"x\"}]}",
           SPIDER_INVALID_ARGUMENT, "'TagList[0].Key'");
    expect(east, "vpc.create",
           "{\"IId\":{\"NameId\":\"v\"},\"IPv4_CIDR\":\"10.1.0.0/16\",\"SubnetInfoList\":["
           "{\"IId\":{\"NameId\":\"a\"},\"IPv4_CIDR\":\"10.1.1.0/24\",\"TagList\":[{\"Key\":\"k\",\"Value\":1}]}]}",
           SPIDER_INVALID_ARGUMENT, "'SubnetInfoList[0].TagList[0].Value' must be a string");

    /* list and get: failed creates left nothing behind and used no IDs */
    expect(east, "vpc.list", "{}", SPIDER_OK, "{\"vpc\":[{\"IId\":{\"NameId\":\"vpc-01\",\"SystemId\":\"exvpc-0001\"}");
    CHECK(count_of(last, "\"SystemId\":\"exvpc-") == 2, "vpc.list should hold 2 VPCs: %s", last);
    expect(west, "vpc.list", "{}", SPIDER_OK, "{\"vpc\":[]}");   /* connections share nothing */
    expect(east, "vpc.get", "{\"IId\":{\"NameId\":\"vpc-01\",\"SystemId\":\"exvpc-0001\"}}", SPIDER_OK,
           "\"SubnetInfoList\":[{\"IId\":{\"NameId\":\"sn-a\"");
    expect(east, "vpc.get", "{\"IId\":{\"NameId\":\"vpc-01\",\"SystemId\":\"exvpc-0099\"}}",
           SPIDER_NOT_FOUND, "exvpc-0099");
    expect(west, "vpc.get", "{\"IId\":{\"NameId\":\"vpc-01\",\"SystemId\":\"exvpc-0001\"}}",
           SPIDER_NOT_FOUND, "exvpc-0001");
    expect(east, "vpc.get", "{}", SPIDER_INVALID_ARGUMENT, "'IId'");
    expect(east, "vpc.get", "{\"IId\":{\"NameId\":\"vpc-01\"}}", SPIDER_INVALID_ARGUMENT, "'IId.SystemId'");

    /* subnets */
    expect(east, "vpc.subnet.add",
           "{\"VPCIID\":{\"NameId\":\"vpc-01\",\"SystemId\":\"exvpc-0001\"},"
           "\"SubnetInfo\":{\"IId\":{\"NameId\":\"sn-c\",\"SystemId\":\"\"},\"IPv4_CIDR\":\"10.0.3.0/24\"}}",
           SPIDER_OK, "{\"IId\":{\"NameId\":\"sn-c\",\"SystemId\":\"exsubnet-0003\"},\"Zone\":\"example-east-a\"");
    CHECK(count_of(last, "exsubnet-") == 3 && strncmp(last, "{\"IId\":{\"NameId\":\"vpc-01\"", 25) == 0,
          "vpc.subnet.add answers the VPC with 3 subnets: %s", last);
    expect(east, "vpc.subnet.add",
           "{\"VPCIID\":{\"NameId\":\"vpc-01\",\"SystemId\":\"exvpc-0001\"},"
           "\"SubnetInfo\":{\"IId\":{\"NameId\":\"sn-c\"},\"IPv4_CIDR\":\"10.0.4.0/24\"}}",
           SPIDER_ALREADY_EXISTS, "sn-c");
    expect(east, "vpc.subnet.add",
           "{\"VPCIID\":{\"NameId\":\"vpc-01\",\"SystemId\":\"exvpc-0001\"},"
           "\"SubnetInfo\":{\"IId\":{\"NameId\":\"sn-d\"},\"IPv4_CIDR\":\"10.0.3.128/25\"}}",
           SPIDER_INVALID_ARGUMENT, "overlaps subnet 'sn-c'");
    expect(east, "vpc.subnet.add",
           "{\"VPCIID\":{\"NameId\":\"x\",\"SystemId\":\"exvpc-0042\"},"
           "\"SubnetInfo\":{\"IId\":{\"NameId\":\"sn-d\"},\"IPv4_CIDR\":\"10.0.5.0/24\"}}",
           SPIDER_NOT_FOUND, "exvpc-0042");
    expect(east, "vpc.subnet.add", "{\"VPCIID\":{\"NameId\":\"vpc-01\",\"SystemId\":\"exvpc-0001\"}}",
           SPIDER_INVALID_ARGUMENT, "'SubnetInfo'");
    expect(east, "vpc.subnet.remove",
           "{\"VPCIID\":{\"NameId\":\"vpc-01\",\"SystemId\":\"exvpc-0001\"},"
           "\"SubnetIID\":{\"NameId\":\"sn-a\",\"SystemId\":\"exsubnet-0001\"}}",
           SPIDER_OK, NULL);
    CHECK(strcmp(last, "{}") == 0, "vpc.subnet.remove answers {}, not %s", last);
    expect(east, "vpc.subnet.remove",
           "{\"VPCIID\":{\"NameId\":\"vpc-01\",\"SystemId\":\"exvpc-0001\"},"
           "\"SubnetIID\":{\"NameId\":\"sn-a\",\"SystemId\":\"exsubnet-0001\"}}",
           SPIDER_NOT_FOUND, "exsubnet-0001");
    expect(east, "vpc.subnet.remove",
           "{\"VPCIID\":{\"SystemId\":\"exvpc-0001\"}}", SPIDER_INVALID_ARGUMENT, "'SubnetIID'");
    expect(east, "vpc.get", "{\"IId\":{\"NameId\":\"vpc-01\",\"SystemId\":\"exvpc-0001\"}}", SPIDER_OK, NULL);
    CHECK(strstr(last, "sn-a") == NULL && strstr(last, "sn-b") && strstr(last, "sn-c"),
          "the removed subnet is still listed: %s", last);
    /* the freed range can be used again */
    expect(east, "vpc.subnet.add",
           "{\"VPCIID\":{\"NameId\":\"vpc-01\",\"SystemId\":\"exvpc-0001\"},"
           "\"SubnetInfo\":{\"IId\":{\"NameId\":\"sn-a\"},\"IPv4_CIDR\":\"10.0.1.0/24\",\"Zone\":\"example-east-b\"}}",
           SPIDER_OK, "\"SystemId\":\"exsubnet-0004\"},\"Zone\":\"example-east-b\"");

    /* delete */
    expect(east, "vpc.delete", "{\"IId\":{\"NameId\":\"vpc-01\",\"SystemId\":\"exvpc-0001\"}}", SPIDER_OK, NULL);
    CHECK(strcmp(last, "{}") == 0, "vpc.delete answers {}, not %s", last);
    expect(east, "vpc.delete", "{\"IId\":{\"NameId\":\"vpc-01\",\"SystemId\":\"exvpc-0001\"}}",
           SPIDER_NOT_FOUND, "exvpc-0001");
    expect(east, "vpc.get", "{\"IId\":{\"NameId\":\"vpc-01\",\"SystemId\":\"exvpc-0001\"}}",
           SPIDER_NOT_FOUND, "exvpc-0001");
    expect(east, "vpc.list", "{}", SPIDER_OK, "\"SystemId\":\"exvpc-0002\"");
    CHECK(count_of(last, "\"SystemId\":\"exvpc-") == 1, "vpc.list after delete: %s", last);
    /* the name is free again; IDs are never reused */
    expect(east, "vpc.create", "{\"IId\":{\"NameId\":\"vpc-01\"},\"IPv4_CIDR\":\"10.0.0.0/16\",\"SubnetInfoList\":[]}",
           SPIDER_OK, "\"SystemId\":\"exvpc-0003\"");
    /* vpc-0002 and vpc-0003 stay: disconnect must free them */
}

/* All IPv4 addresses after "PrivateIP":" in `json` are different; returns how many there are. */
static int distinct_private_ips(const char *json)
{
    char ips[64][16];
    int n = 0;

    for (const char *p = strstr(json, "\"PrivateIP\":\""); p != NULL && n < 64; p = strstr(p + 1, "\"PrivateIP\":\"")) {
        CHECK(sscanf(p, "\"PrivateIP\":\"%15[0-9.]", ips[n]) == 1, "no PrivateIP at %.40s", p);
        for (int i = 0; i < n; i++)
            CHECK(strcmp(ips[i], ips[n]) != 0, "two VMs share the private address %s: %s", ips[n], json);
        n++;
    }
    return n;
}

/* The SystemId of the resource named `name_id` in `json` ("NameId":"x","SystemId":"..."), into `out`. */
static void id_of(const char *json, const char *name_id, char *out)
{
    char marker[96];
    const char *at;

    snprintf(marker, sizeof marker, "\"NameId\":\"%s\",\"SystemId\":\"", name_id);
    at = strstr(json, marker);
    CHECK(at != NULL && sscanf(at + strlen(marker), "%31[^\"]", out) == 1, "no SystemId for %s in %s", name_id, json);
}

static void test_keypairs(spider_connection *east, spider_connection *west)
{
    char first_public[256];
    const char *p;

    /* create: the only answer with the private key, fake and labelled so */
    expect(east, "keypair.create", "{\"IId\":{\"NameId\":\"kp-01\",\"SystemId\":\"\"}}", SPIDER_OK,
           "{\"IId\":{\"NameId\":\"kp-01\",\"SystemId\":\"exkey-0001\"}");
    CHECK(strstr(last, "\"PrivateKey\":\"-----BEGIN CEXAMPLE FAKE PRIVATE KEY-----\\n")
          && strstr(last, "-----END CEXAMPLE FAKE PRIVATE KEY-----\\n\""), "a PEM-shaped private key: %s", last);
    CHECK(strstr(last, "\"Fingerprint\":\"cexample-fake:") && strstr(last, "\"VMUserID\":\"cb-user\""),
          "fingerprint and user: %s", last);
    CHECK((p = strstr(last, "\"PublicKey\":\"ssh-fake-cexample ")) != NULL
          && sscanf(p, "\"PublicKey\":\"%255[^\"]", first_public) == 1, "a public key: %s", last);
    expect(east, "keypair.create",
           "{\"IId\":{\"NameId\":\"kp-02\"},\"TagList\":[{\"Key\":\"team\",\"Value\":\"c\"}]}", SPIDER_OK,
           "\"TagList\":[{\"Key\":\"team\",\"Value\":\"c\"}]");
    CHECK(strstr(last, first_public) == NULL, "two key pairs got the same public key: %s", last);

    /* create: errors, which use no number */
    expect(east, "keypair.create", "{\"IId\":{\"NameId\":\"kp-01\"}}", SPIDER_ALREADY_EXISTS, "kp-01");
    expect(east, "keypair.create", "{}", SPIDER_INVALID_ARGUMENT, "'IId'");
    expect(east, "keypair.create", "{\"IId\":\"kp\"}", SPIDER_INVALID_ARGUMENT, "'IId' must be a object");
    expect(east, "keypair.create", "{\"IId\":{\"SystemId\":\"\"}}", SPIDER_INVALID_ARGUMENT, "'IId.NameId'");
    expect(east, "keypair.create", "{\"IId\":{\"NameId\":\"\"}}", SPIDER_INVALID_ARGUMENT, "must not be empty");
    expect(east, "keypair.create", "{\"IId\":{\"NameId\":\"kp-x\"},\"TagList\":[{\"Value\":\"v\"}]}",
           SPIDER_INVALID_ARGUMENT, "'TagList[0].Key'");

    /* list and get never show the private key */
    expect(east, "keypair.list", "{}", SPIDER_OK, "{\"keypair\":[{\"IId\":{\"NameId\":\"kp-01\",\"SystemId\":\"exkey-0001\"}");
    CHECK(count_of(last, "\"SystemId\":\"exkey-") == 2 && strstr(last, "PrivateKey") == NULL
          && strstr(last, "PRIVATE KEY") == NULL && strstr(last, first_public) != NULL,
          "keypair.list: two pairs, public keys only: %s", last);
    expect(east, "keypair.get", "{\"IId\":{\"NameId\":\"kp-01\",\"SystemId\":\"exkey-0001\"}}", SPIDER_OK,
           "\"Fingerprint\":\"cexample-fake:");
    CHECK(strstr(last, "PrivateKey") == NULL, "keypair.get shows the private key: %s", last);
    expect(east, "keypair.get", "{\"IId\":{\"NameId\":\"kp-01\",\"SystemId\":\"exkey-0099\"}}", SPIDER_NOT_FOUND,
           "exkey-0099");
    expect(east, "keypair.get", "{\"IId\":{\"NameId\":\"kp-01\"}}", SPIDER_INVALID_ARGUMENT, "'IId.SystemId'");
    expect(west, "keypair.list", "{}", SPIDER_OK, "{\"keypair\":[]}");
    expect(west, "keypair.get", "{\"IId\":{\"NameId\":\"kp-01\",\"SystemId\":\"exkey-0001\"}}", SPIDER_NOT_FOUND,
           "exkey-0001");

    /* delete */
    expect(east, "keypair.delete", "{\"IId\":{\"NameId\":\"kp-02\",\"SystemId\":\"exkey-0002\"}}", SPIDER_OK, NULL);
    CHECK(strcmp(last, "{}") == 0, "keypair.delete answers {}, not %s", last);
    expect(east, "keypair.delete", "{\"IId\":{\"NameId\":\"kp-02\",\"SystemId\":\"exkey-0002\"}}", SPIDER_NOT_FOUND,
           "exkey-0002");
    expect(east, "keypair.delete", "{}", SPIDER_INVALID_ARGUMENT, "'IId'");
    expect(east, "keypair.get", "{\"IId\":{\"NameId\":\"kp-02\",\"SystemId\":\"exkey-0002\"}}", SPIDER_NOT_FOUND, NULL);
    /* the name is free again; numbers are never reused */
    expect(east, "keypair.create", "{\"IId\":{\"NameId\":\"kp-02\"}}", SPIDER_OK, "\"SystemId\":\"exkey-0003\"");
    expect(east, "keypair.list", "{}", SPIDER_OK, NULL);
    CHECK(count_of(last, "\"SystemId\":\"exkey-") == 2, "keypair.list after delete: %s", last);
    /* kp-01 (exkey-0001) and kp-02 (exkey-0003) stay, for the VMs */
}

/* Builds a VMReqInfo. `sgs` is the SecurityGroupIIDs value; `extra` is more members, or "". */
static const char *vm_req(char *buf, size_t size, const char *name, const char *vpc_id, const char *subnet_id,
                          const char *sgs, const char *spec, const char *key_id, const char *extra)
{
    snprintf(buf, size,
             "{\"IId\":{\"NameId\":\"%s\",\"SystemId\":\"\"},\"ImageIID\":{\"NameId\":\"ubuntu-22.04\",\"SystemId\":\"ubuntu-22.04\"},"
             "\"VpcIID\":{\"NameId\":\"vm-vpc\",\"SystemId\":\"%s\"},\"SubnetIID\":{\"NameId\":\"sn\",\"SystemId\":\"%s\"},"
             "\"SecurityGroupIIDs\":%s,\"VMSpecName\":\"%s\",\"KeyPairIID\":{\"NameId\":\"kp\",\"SystemId\":\"%s\"}%s%s}",
             name, vpc_id, subnet_id, sgs, spec, key_id, *extra ? "," : "", extra);
    return buf;
}

static void test_vms(spider_connection *east, spider_connection *west)
{
    char vpc_id[32], sn_a[32], sn_tiny[32], sn_free[32], other_vpc[32], other_sn[32];
    char vm1[32], vm2[32], t1[32], iid[128], iid2[128], req[2048], want[128];
    const char *kp1 = "exkey-0001";

    expect(east, "vpc.create",
           "{\"IId\":{\"NameId\":\"vm-vpc\"},\"IPv4_CIDR\":\"10.20.0.0/16\",\"SubnetInfoList\":["
           "{\"IId\":{\"NameId\":\"vm-sn-a\"},\"IPv4_CIDR\":\"10.20.1.0/24\"},"
           "{\"IId\":{\"NameId\":\"vm-sn-tiny\"},\"IPv4_CIDR\":\"10.20.2.0/30\",\"Zone\":\"example-east-b\"},"
           "{\"IId\":{\"NameId\":\"vm-sn-free\"},\"IPv4_CIDR\":\"10.20.3.0/24\"}]}", SPIDER_OK, NULL);
    id_of(last, "vm-vpc", vpc_id);
    id_of(last, "vm-sn-a", sn_a);
    id_of(last, "vm-sn-tiny", sn_tiny);
    id_of(last, "vm-sn-free", sn_free);
    expect(east, "vpc.create",
           "{\"IId\":{\"NameId\":\"other-vpc\"},\"IPv4_CIDR\":\"10.21.0.0/16\",\"SubnetInfoList\":["
           "{\"IId\":{\"NameId\":\"other-sn\"},\"IPv4_CIDR\":\"10.21.1.0/24\"}]}", SPIDER_OK, NULL);
    id_of(last, "other-vpc", other_vpc);
    id_of(last, "other-sn", other_sn);

    /* start: the first VM, with the defaults */
    expect(east, "vm.start", vm_req(req, sizeof req, "vm-01", vpc_id, sn_a, "[]", "ex.small", kp1, ""),
           SPIDER_OK, "{\"IId\":{\"NameId\":\"vm-01\",\"SystemId\":\"exvm-0001\"},\"StartTime\":\"20");
    id_of(last, "vm-01", vm1);
    snprintf(want, sizeof want, "\"VpcIID\":{\"NameId\":\"vm-vpc\",\"SystemId\":\"%s\"}", vpc_id);
    CHECK(strstr(last, want), "VpcIID: %s", last);
    snprintf(want, sizeof want, "\"SubnetIID\":{\"NameId\":\"vm-sn-a\",\"SystemId\":\"%s\"}", sn_a);
    CHECK(strstr(last, want), "SubnetIID: %s", last);
    CHECK(strstr(last, "\"Region\":{\"Region\":\"example-east\",\"Zone\":\"example-east-a\"}")
          && strstr(last, "\"ImageType\":\"PublicImage\",\"ImageIId\":{\"NameId\":\"ubuntu-22.04\",\"SystemId\":\"ubuntu-22.04\"}")
          && strstr(last, "\"VMSpecName\":\"ex.small\"") && strstr(last, "\"SecurityGroupIIds\":[]")
          && strstr(last, "\"KeyPairIId\":{\"NameId\":\"kp-01\",\"SystemId\":\"exkey-0001\"}")
          && strstr(last, "\"RootDiskType\":\"ex-ssd\",\"RootDiskSize\":\"20\",\"RootDeviceName\":\"/dev/exda\"")
          && strstr(last, "\"VMUserId\":\"cb-user\"") && strstr(last, "\"PrivateIP\":\"10.20.1.4\"")
          && strstr(last, "\"PublicIP\":\"203.0.113.1\"") && strstr(last, "\"Platform\":\"LINUX\"")
          && strstr(last, "\"AccessPoint\":\"203.0.113.1:22\"") && strstr(last, "Z\",\"Region\""),
          "vm.start answers a full VMInfo: %s", last);
    CHECK(strstr(last, "VMUserPasswd") == NULL && strstr(last, "TagList") == NULL, "no password, no tags: %s", last);

    /* start: everything given; security groups are echoed, not checked */
    expect(east, "vm.start", vm_req(req, sizeof req, "vm-02", vpc_id, sn_a,
                                    "[{\"NameId\":\"sg-a\",\"SystemId\":\"sg-0a\"},{\"SystemId\":\"sg-0b\"}]", "ex.medium", kp1,
                                    "\"ImageType\":\"PublicImage\",\"RootDiskType\":\"ex-hdd\",\"RootDiskSize\":\"50\","
                                    "\"VMUserId\":\"admin\",\"VMUserPasswd\":\"hunter2\",\"DataDiskIIDs\":[],"
                                    "\"TagList\":[{\"Key\":\"env\",\"Value\":\"test\"}]"),
           SPIDER_OK, "\"SecurityGroupIIds\":[{\"NameId\":\"sg-a\",\"SystemId\":\"sg-0a\"},{\"NameId\":\"sg-0b\",\"SystemId\":\"sg-0b\"}]");
    id_of(last, "vm-02", vm2);
    CHECK(strstr(last, "\"RootDiskType\":\"ex-hdd\",\"RootDiskSize\":\"50\"") && strstr(last, "\"VMUserId\":\"admin\"")
          && strstr(last, "\"PrivateIP\":\"10.20.1.5\"") && strstr(last, "\"TagList\":[{\"Key\":\"env\",\"Value\":\"test\"}]")
          && strstr(last, "hunter2") == NULL && strstr(last, "\"VMSpecName\":\"ex.medium\""),
          "vm-02: %s", last);
    expect(east, "vm.start", vm_req(req, sizeof req, "vm-02b", vpc_id, sn_a, "[]", "ex.small", kp1,
                                    "\"RootDiskSize\":\"default\""),
           SPIDER_OK, "\"RootDiskSize\":\"20\"");
    CHECK(strstr(last, "\"PrivateIP\":\"10.20.1.6\""), "vm-02b: %s", last);

    /* start: malformed requests */
    {
        static const struct { const char *extra, *needle; } bad[] = {
            { "\"ImageType\":\"Snapshot\"", "'ImageType' must be PublicImage or MyImage" },
            { "\"ImageType\":7", "'ImageType' must be a string" },
            { "\"RootDiskSize\":\"abc\"", "'RootDiskSize'" },
            { "\"RootDiskSize\":\"050\"", "'RootDiskSize'" },
            { "\"RootDiskSize\":50", "'RootDiskSize' must be a string" },
            { "\"RootDiskSize\":\"10\"", "less than spec 'ex.small' needs (20 GB)" },
            { "\"DataDiskIIDs\":{}", "'DataDiskIIDs' must be a array" },
            { "\"VMUserId\":[]", "'VMUserId'" },
            { "\"TagList\":[{\"Key\":1}]", "'TagList[0].Key'" },
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
            expect(east, "vm.start", vm_req(req, sizeof req, "vm-bad", vpc_id, sn_a, "[]", "ex.small", kp1, bad[i].extra),
                   SPIDER_INVALID_ARGUMENT, bad[i].needle);
    }
    expect(east, "vm.start", vm_req(req, sizeof req, "vm-bad", vpc_id, sn_a, "{}", "ex.small", kp1, ""),
           SPIDER_INVALID_ARGUMENT, "'SecurityGroupIIDs' must be a array");
    expect(east, "vm.start", vm_req(req, sizeof req, "vm-bad", vpc_id, sn_a, "null", "ex.small", kp1, ""),
           SPIDER_INVALID_ARGUMENT, "missing field 'SecurityGroupIIDs'");
    expect(east, "vm.start", vm_req(req, sizeof req, "vm-bad", vpc_id, sn_a, "[{\"NameId\":\"a\"},\"sg\"]", "ex.small", kp1, ""),
           SPIDER_INVALID_ARGUMENT, "'SecurityGroupIIDs[1]' must be an object");
    expect(east, "vm.start", vm_req(req, sizeof req, "vm-bad", vpc_id, sn_a, "[{}]", "ex.small", kp1, ""),
           SPIDER_INVALID_ARGUMENT, "'SecurityGroupIIDs[0]' needs a NameId or a SystemId");
    expect(east, "vm.start", vm_req(req, sizeof req, "vm-bad", vpc_id, sn_a, "[]", "", kp1, ""),
           SPIDER_INVALID_ARGUMENT, "'VMSpecName' must not be empty");
    expect(east, "vm.start", vm_req(req, sizeof req, "", vpc_id, sn_a, "[]", "ex.small", kp1, ""),
           SPIDER_INVALID_ARGUMENT, "'IId.NameId'");
    expect(east, "vm.start", vm_req(req, sizeof req, "vm-bad", "", sn_a, "[]", "ex.small", kp1, ""),
           SPIDER_INVALID_ARGUMENT, "'VpcIID.SystemId'");
    expect(east, "vm.start", vm_req(req, sizeof req, "vm-bad", vpc_id, "", "[]", "ex.small", kp1, ""),
           SPIDER_INVALID_ARGUMENT, "'SubnetIID.SystemId'");
    expect(east, "vm.start", vm_req(req, sizeof req, "vm-bad", vpc_id, sn_a, "[]", "ex.small", "", ""),
           SPIDER_INVALID_ARGUMENT, "'KeyPairIID.SystemId'");
    expect(east, "vm.start", "{\"IId\":{\"NameId\":\"vm-bad\"}}", SPIDER_INVALID_ARGUMENT, "missing field 'ImageIID'");
    expect(east, "vm.start", "{\"IId\":{\"NameId\":\"vm-bad\"},\"ImageIID\":{\"NameId\":\"\",\"SystemId\":\"\"}}",
           SPIDER_INVALID_ARGUMENT, "'ImageIID' needs a NameId or a SystemId");

    /* start: references, the first missing one named */
    expect(east, "vm.start", vm_req(req, sizeof req, "vm-01", vpc_id, sn_a, "[]", "ex.small", kp1, ""),
           SPIDER_ALREADY_EXISTS, "vm-01");
    expect(east, "vm.start", vm_req(req, sizeof req, "vm-bad", "exvpc-0999", sn_a, "[]", "ex.huge", "exkey-0999",
                                    "\"ImageType\":\"MyImage\""), SPIDER_NOT_FOUND, "MyImage 'ubuntu-22.04'");
    expect(east, "vm.start", vm_req(req, sizeof req, "vm-bad", "exvpc-0999", sn_a, "[]", "ex.huge", "exkey-0999", ""),
           SPIDER_NOT_FOUND, "VM spec 'ex.huge'");
    expect(west, "vm.start", vm_req(req, sizeof req, "vm-bad", "exvpc-0999", sn_a, "[]", "ex.gpu", "exkey-0999", ""),
           SPIDER_NOT_FOUND, "VM spec 'ex.gpu' does not exist in region 'example-west'");
    expect(east, "vm.start", vm_req(req, sizeof req, "vm-bad", "exvpc-0999", sn_a, "[]", "ex.gpu", "exkey-0999", ""),
           SPIDER_NOT_FOUND, "VPC 'exvpc-0999'");
    expect(west, "vm.start", vm_req(req, sizeof req, "vm-bad", vpc_id, sn_a, "[]", "ex.small", kp1, ""),
           SPIDER_NOT_FOUND, vpc_id);  /* another connection's VPC */
    expect(east, "vm.start", vm_req(req, sizeof req, "vm-bad", vpc_id, other_sn, "[]", "ex.small", "exkey-0999", ""),
           SPIDER_NOT_FOUND, other_sn); /* a subnet of another VPC */
    expect(east, "vm.start", vm_req(req, sizeof req, "vm-bad", vpc_id, sn_a, "[{\"NameId\":\"sg\"}]", "ex.small", "exkey-0999", ""),
           SPIDER_NOT_FOUND, "key pair 'exkey-0999'");
    expect(east, "vm.start", vm_req(req, sizeof req, "vm-bad", vpc_id, sn_a, "[]", "ex.small", "exkey-0002", ""),
           SPIDER_NOT_FOUND, "exkey-0002");   /* deleted */
    expect(east, "vm.start", vm_req(req, sizeof req, "vm-bad", vpc_id, sn_a, "[]", "ex.small", kp1,
                                    "\"DataDiskIIDs\":[{\"NameId\":\"d\",\"SystemId\":\"d-1\"}]"),
           SPIDER_NOT_FOUND, "DataDiskIIDs[0]");

    /* start: a /30 subnet holds two VMs; a terminated VM's address is free again */
    expect(east, "vm.start", vm_req(req, sizeof req, "t1", vpc_id, sn_tiny, "[]", "ex.small", kp1, ""),
           SPIDER_OK, "\"PrivateIP\":\"10.20.2.1\"");
    CHECK(strstr(last, "\"Zone\":\"example-east-b\""), "a VM is in its subnet's zone: %s", last);
    id_of(last, "t1", t1);
    expect(east, "vm.start", vm_req(req, sizeof req, "t2", vpc_id, sn_tiny, "[]", "ex.small", kp1, ""),
           SPIDER_OK, "\"PrivateIP\":\"10.20.2.2\"");
    expect(east, "vm.start", vm_req(req, sizeof req, "t3", vpc_id, sn_tiny, "[]", "ex.small", kp1, ""),
           SPIDER_CONFLICT, "has no free address");
    snprintf(iid, sizeof iid, "{\"IId\":{\"NameId\":\"t1\",\"SystemId\":\"%s\"}}", t1);
    expect(east, "vm.terminate", iid, SPIDER_OK, "{\"Status\":\"Terminating\"}");
    expect(east, "vm.start", vm_req(req, sizeof req, "t3", vpc_id, sn_tiny, "[]", "ex.small", kp1, ""),
           SPIDER_OK, "\"PrivateIP\":\"10.20.2.1\"");
    /* failed starts used no numbers: vm-01, vm-02, vm-02b, t1, t2, then t3 */
    CHECK(strstr(last, "\"SystemId\":\"exvm-0006\""), "VM numbers: %s", last);

    /* list, get */
    expect(east, "vm.list", "{}", SPIDER_OK, "{\"vm\":[{\"IId\":{\"NameId\":\"vm-01\"");
    CHECK(count_of(last, "\"SystemId\":\"exvm-") == 5 && strstr(last, "\"NameId\":\"t1\"") == NULL,
          "vm.list: vm-01, vm-02, vm-02b, t2, t3: %s", last);
    CHECK(distinct_private_ips(last) == 5, "vm.list addresses: %s", last);
    expect(west, "vm.list", "{}", SPIDER_OK, "{\"vm\":[]}");
    expect(west, "vm.status.list", "{}", SPIDER_OK, "{\"vmstatus\":[]}");
    snprintf(iid, sizeof iid, "{\"IId\":{\"NameId\":\"vm-01\",\"SystemId\":\"%s\"}}", vm1);
    snprintf(iid2, sizeof iid2, "{\"IId\":{\"NameId\":\"vm-02\",\"SystemId\":\"%s\"}}", vm2);
    expect(east, "vm.get", iid, SPIDER_OK, "\"PrivateIP\":\"10.20.1.4\"");
    expect(west, "vm.get", iid, SPIDER_NOT_FOUND, vm1);
    expect(east, "vm.get", "{\"IId\":{\"NameId\":\"x\",\"SystemId\":\"exvm-0999\"}}", SPIDER_NOT_FOUND, "exvm-0999");
    expect(east, "vm.get", "{}", SPIDER_INVALID_ARGUMENT, "'IId'");

    /* status and the state machine: every action settles at once */
    expect(east, "vm.status", iid, SPIDER_OK, NULL);
    CHECK(strcmp(last, "{\"Status\":\"Running\"}") == 0, "a started VM is Running: %s", last);
    expect(east, "vm.status.list", "{}", SPIDER_OK, "{\"vmstatus\":[{\"IId\":{\"NameId\":\"vm-01\"");
    CHECK(count_of(last, "\"VmStatus\":\"Running\"") == 5, "vm.status.list: %s", last);
    expect(east, "vm.reboot", iid, SPIDER_OK, NULL);
    CHECK(strcmp(last, "{\"Status\":\"Rebooting\"}") == 0, "vm.reboot answers Rebooting: %s", last);
    expect(east, "vm.status", iid, SPIDER_OK, "\"Running\"");
    expect(east, "vm.resume", iid, SPIDER_CONFLICT, "only a Suspended VM can be resumed");
    expect(east, "vm.suspend", iid, SPIDER_OK, NULL);
    CHECK(strcmp(last, "{\"Status\":\"Suspending\"}") == 0, "vm.suspend answers Suspending: %s", last);
    expect(east, "vm.status", iid, SPIDER_OK, "{\"Status\":\"Suspended\"}");
    expect(east, "vm.status.list", "{}", SPIDER_OK, NULL);
    CHECK(count_of(last, "\"VmStatus\":\"Suspended\"") == 1 && count_of(last, "\"VmStatus\":\"Running\"") == 4,
          "vm.status.list after a suspend: %s", last);
    expect(east, "vm.suspend", iid, SPIDER_CONFLICT, "is Suspended; only a Running VM can be suspended");
    expect(east, "vm.reboot", iid, SPIDER_CONFLICT, "only a Running VM can be rebooted");
    expect(east, "vm.resume", iid, SPIDER_OK, NULL);
    CHECK(strcmp(last, "{\"Status\":\"Resuming\"}") == 0, "vm.resume answers Resuming: %s", last);
    expect(east, "vm.status", iid, SPIDER_OK, "{\"Status\":\"Running\"}");
    {
        static const char *const actions[] = { "vm.status", "vm.suspend", "vm.resume", "vm.reboot", "vm.terminate" };
        for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
            expect(east, actions[i], "{\"IId\":{\"NameId\":\"x\",\"SystemId\":\"exvm-0999\"}}", SPIDER_NOT_FOUND, "exvm-0999");
            expect(east, actions[i], "{\"IId\":{}}", SPIDER_INVALID_ARGUMENT, "'IId.SystemId'");
        }
    }

    /* what a VM uses cannot be deleted */
    snprintf(req, sizeof req, "{\"IId\":{\"NameId\":\"vm-vpc\",\"SystemId\":\"%s\"}}", vpc_id);
    expect(east, "vpc.delete", req, SPIDER_CONFLICT, "in use by VM 'vm-01'");
    snprintf(req, sizeof req, "{\"VPCIID\":{\"SystemId\":\"%s\"},\"SubnetIID\":{\"SystemId\":\"%s\"}}", vpc_id, sn_a);
    expect(east, "vpc.subnet.remove", req, SPIDER_CONFLICT, "in use by VM 'vm-01'");
    snprintf(req, sizeof req, "{\"VPCIID\":{\"SystemId\":\"%s\"},\"SubnetIID\":{\"SystemId\":\"%s\"}}", vpc_id, sn_free);
    expect(east, "vpc.subnet.remove", req, SPIDER_OK, "{}");   /* a subnet no VM uses */
    expect(east, "keypair.delete", "{\"IId\":{\"NameId\":\"kp-01\",\"SystemId\":\"exkey-0001\"}}", SPIDER_CONFLICT,
           "in use by VM 'vm-01'");
    expect(east, "keypair.delete", "{\"IId\":{\"NameId\":\"kp-02\",\"SystemId\":\"exkey-0003\"}}", SPIDER_OK, NULL);
    snprintf(req, sizeof req, "{\"IId\":{\"NameId\":\"other-vpc\",\"SystemId\":\"%s\"}}", other_vpc);
    expect(east, "vpc.delete", req, SPIDER_OK, NULL);          /* a VPC no VM uses */

    /* terminate, from Running or Suspended; the VM is gone */
    expect(east, "vm.suspend", iid2, SPIDER_OK, NULL);
    expect(east, "vm.terminate", iid2, SPIDER_OK, NULL);
    CHECK(strcmp(last, "{\"Status\":\"Terminating\"}") == 0, "vm.terminate answers Terminating: %s", last);
    expect(east, "vm.get", iid2, SPIDER_NOT_FOUND, vm2);
    expect(east, "vm.status", iid2, SPIDER_NOT_FOUND, vm2);
    expect(east, "vm.terminate", iid2, SPIDER_NOT_FOUND, vm2);
    expect(east, "vm.list", "{}", SPIDER_OK, NULL);
    CHECK(count_of(last, "\"SystemId\":\"exvm-") == 4 && strstr(last, vm2) == NULL, "vm.list after terminate: %s", last);
    /* vm-01, vm-02b, t2 and t3 stay, with kp-01 and vm-vpc: disconnect must free them */
}

static void test_requests(spider_connection *c)
{
    static const char *const malformed[] = {
        "", " ", "{", "}", "{\"Name\"", "{\"Name\":}", "{\"Name\" \"x\"}", "{\"Name\":\"x\",}",
        "{\"Name\":\"x\"} {}", "{Name:\"x\"}", "{'Name':'x'}", "{\"Name\":\"x\\q\"}", "{\"Name\":\"\\u12\"}",
        "{\"Name\":\"\\ud800\"}", "{\"Name\":\"\\udc00\"}", "{\"Name\":\"\\ud800\\u0041\"}",
        "{\"Name\":\"\\u0000\"}", "{\"Name\":\"a\tb\"}", "{\"Name\":\"\xff\"}", "{\"Name\":\"\xc0\xaf\"}",
        "{\"Name\":\"\xed\xa0\x80\"}", "{\"Name\":\"\xe2\x82\"}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}",
        "{\"a\":1e}", "{\"a\":.5}", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":[1,]}", "{\"a\":[1 2]}",
        "{\"a\":\"x", "{\"a\":\"x\\", "{\"a\":\"x\\\"}",
    };
    static const char *const not_objects[] = { "[]", "\"x\"", "42", "true", "null" };
    char deep[2 * (JSON_MAX_DEPTH + 2) + 16];
    size_t n = 0;

    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++)
        expect(c, "regionzone.get", malformed[i], SPIDER_INVALID_ARGUMENT, "is not valid JSON");
    for (size_t i = 0; i < sizeof not_objects / sizeof not_objects[0]; i++)
        expect(c, "regionzone.list", not_objects[i], SPIDER_INVALID_ARGUMENT, "must be a JSON object");

    /* too deep: {"a": [[[[...]]]]} past the reader's limit */
    n += (size_t)sprintf(deep, "{\"a\":");
    for (int i = 0; i < JSON_MAX_DEPTH + 1; i++)
        deep[n++] = '[';
    for (int i = 0; i < JSON_MAX_DEPTH + 1; i++)
        deep[n++] = ']';
    deep[n++] = '}';
    deep[n] = '\0';
    expect(c, "regionzone.list", deep, SPIDER_INVALID_ARGUMENT, "nesting too deep");

    /* the length is what counts: a valid document cut short is invalid, and bytes past the
       length are never looked at */
    CHECK(call_n(c, NULL, "regionzone.get", "{\"Name\":\"example-east\"}", 10) == SPIDER_INVALID_ARGUMENT,
          "a request cut at request_len must be invalid: %s", last);
    CHECK(call_n(c, NULL, "regionzone.get", "{\"Name\":\"example-east\"}garbage", 23) == SPIDER_OK,
          "bytes past request_len must be ignored: %s", last);

    /* every JSON feature the reader accepts, with unknown members ignored */
    expect(c, "regionzone.get",
           " {\"x\":[1,-2.5e+3,0.25,1E9,true,false,null,{},[],\"\\/\\b\\f\\r\"],\r\n\t\"Name\":\"example\\u002deast\"} ",
           SPIDER_OK, "\"Name\":\"example-east\"");

    /* a NULL request is taken as {} */
    {
        spider_result r;
        memset(&r, 0, sizeof r);
        r.struct_size = sizeof r;
        T->call(c, NULL, "regionzone.list", NULL, 0, &r);
        CHECK(take_result(&r, "regionzone.list with a NULL request") == SPIDER_OK, "NULL request: %s", last);
    }
}

static void test_other_errors(spider_connection *c)
{
    spider_result r;

    expect(c, "disk.create", "{}", SPIDER_UNSUPPORTED, "disk.create");
    expect(c, "", "{}", SPIDER_UNSUPPORTED, "''");
    expect(c, "vpc.list ", "{}", SPIDER_UNSUPPORTED, NULL);
    /* unknown operations are refused before the request is read */
    expect(c, "sg.create", "not json", SPIDER_UNSUPPORTED, "sg.create");

    CHECK(call_n(c, CANCELLED_CTX, "vpc.list", "{}", 2) == SPIDER_CANCELLED,
          "a call the host has cancelled must answer CANCELLED: %s", last);

    /* release accepts a result with no buffers */
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    T->release(T->driver_data, &r);
    T->release(T->driver_data, NULL);
    CHECK(r.json == NULL, "release of an empty result");
}

static void test_concurrency(spider_connection *c)
{
    pthread_t threads[2 * THREADS];
    worker workers[2 * THREADS];
    unsigned first_vpc;

    /* The VPC the VM workers share; its number tells where the VPC workers' numbers start. */
    expect(c, "vpc.create", "{\"IId\":{\"NameId\":\"cc-vpc\"},\"IPv4_CIDR\":\"10.30.0.0/16\",\"SubnetInfoList\":["
           "{\"IId\":{\"NameId\":\"cc-sn\"},\"IPv4_CIDR\":\"10.30.0.0/20\"}]}", SPIDER_OK, NULL);
    CHECK(system_id_of(last, "exvpc-", shared_vpc_id) && system_id_of(last, "exsubnet-", shared_subnet_id)
          && sscanf(shared_vpc_id, "exvpc-%u", &first_vpc) == 1, "cc-vpc IDs: %s", last);

    /* VPC workers and VM workers, all at once, on one connection */
    for (int i = 0; i < 2 * THREADS; i++) {
        memset(&workers[i], 0, sizeof workers[i]);
        workers[i].connection = c;
        workers[i].index = i;
        CHECK(pthread_create(&threads[i], NULL, i < THREADS ? worker_main : vm_worker_main, &workers[i]) == 0,
              "pthread_create");
    }
    for (int i = 0; i < 2 * THREADS; i++) {
        pthread_join(threads[i], NULL);
        CHECK(workers[i].failures == 0, "worker %d: %d failed calls, first: %s", i, workers[i].failures,
              workers[i].first_failure);
    }
    expect(c, "vpc.list", "{}", SPIDER_OK, NULL);
    CHECK(count_of(last, "\"NameId\":\"w") == 0, "every worker VPC was deleted: %s", last);
    expect(c, "vpc.create", "{\"IId\":{\"NameId\":\"after\"},\"IPv4_CIDR\":\"10.9.0.0/16\",\"SubnetInfoList\":[]}",
           SPIDER_OK, NULL);
    {
        char want[40];
        snprintf(want, sizeof want, "exvpc-%04u", first_vpc + THREADS * ROUNDS + 1);
        CHECK(strstr(last, want) != NULL, "VPC numbers were not handed out once each: want %s in %s",
              want, last);
    }

    /* one VM per VM worker is left, each with its own address; VM and key numbers were used once */
    expect(c, "vm.list", "{}", SPIDER_OK, NULL);
    CHECK(count_of(last, "\"NameId\":\"vw") == THREADS, "one VM per VM worker is left: %s", last);
    CHECK(distinct_private_ips(last) >= THREADS, "the VMs' addresses: %s", last);
    expect(c, "keypair.list", "{}", SPIDER_OK, NULL);
    CHECK(count_of(last, "\"NameId\":\"kw") == THREADS, "one key pair per VM worker is left: %s", last);
    CHECK(strstr(last, "PrivateKey") == NULL, "keypair.list shows a private key: %s", last);
    expect(c, "vm.status.list", "{}", SPIDER_OK, NULL);
    CHECK(count_of(last, "\"VmStatus\":\"Running\"") >= THREADS, "the workers' VMs run: %s", last);
    /* they stay: disconnect must free them */
}

int main(int argc, char **argv)
{
    const spider_kv key[] = { { "ApiKey", "example-secret" } };
    const spider_kv east_region[] = { { "Region", "example-east" } };
    const spider_kv west_region[] = { { "Region", "example-west" }, { "Zone", "" } };
    spider_connection *east, *west;
    void *library;

    if (argc != 2) {
        fprintf(stderr, "usage: %s path/to/libspider-driver-cexample.so\n", argv[0]);
        return 2;
    }
    verbose = getenv("CHECK_VERBOSE") != NULL;

    /* The host adds RTLD_NODELETE and never unloads a driver; neither do we. */
    library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    CHECK(library != NULL, "dlopen %s: %s", argv[1], dlerror());

    test_negotiation(library);
    test_connect_errors();
    test_preconnection();

    CHECK(connect_with(key, 1, east_region, 1, &east) == SPIDER_OK, "connect to example-east: %s", last);
    CHECK(strstr(last, "\"Zone\":\"example-east-a\""), "connect describes the connection: %s", last);
    CHECK(connect_with(key, 1, west_region, 2, &west) == SPIDER_OK, "connect to example-west: %s", last);

    test_catalogue(east, west);
    test_vpcs(east, west);
    test_keypairs(east, west);
    test_vms(east, west);
    test_requests(east);
    test_other_errors(east);
    test_concurrency(east);

    T->disconnect(west);
    T->disconnect(east);
    CHECK(log_lines > 0, "the driver never used the host's log");

    free(last);
    printf("%d passed, 0 failed\n", passed);
    return 0;
}
