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

static spider_status worker_call(worker *w, const char *operation, const char *request, char *json_out,
                                 size_t json_out_size)
{
    spider_result r;
    spider_status status;

    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    T->call(w->connection, NULL, operation, request, strlen(request), &r);
    status = r.status;
    if (json_out != NULL && r.json != NULL)
        snprintf(json_out, json_out_size, "%.*s", (int)r.json_len, r.json);
    if (status != SPIDER_OK && w->failures++ == 0)
        snprintf(w->first_failure, sizeof w->first_failure, "%s: %s %.*s", operation,
                 status_name(status), (int)r.message_len, r.message ? r.message : "");
    T->release(T->driver_data, &r);
    return status;
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
    pthread_t threads[THREADS];
    worker workers[THREADS];

    for (int i = 0; i < THREADS; i++) {
        memset(&workers[i], 0, sizeof workers[i]);
        workers[i].connection = c;
        workers[i].index = i;
        CHECK(pthread_create(&threads[i], NULL, worker_main, &workers[i]) == 0, "pthread_create");
    }
    for (int i = 0; i < THREADS; i++) {
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
        snprintf(want, sizeof want, "exvpc-%04d", 3 + THREADS * ROUNDS + 1);
        CHECK(strstr(last, want) != NULL, "VPC numbers were not handed out once each: want %s in %s",
              want, last);
    }
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
