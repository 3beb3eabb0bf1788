/*
 * example_driver.c — a complete Spider driver in plain C for a pretend cloud, "CEXAMPLE".
 *
 * Copy this file to start a driver for your own cloud. It is built against
 * DriverABI/C/include/spider_driver.h alone and reads top to bottom:
 *
 *   1. the catalogue         regions, zones and VM specs (static data; a real driver asks its cloud)
 *   2. connection state      one struct per connection: region, credentials, VPCs, a mutex
 *   3. result helpers        how a result is filled (the driver allocates, `release` frees)
 *   4. request helpers       reading fields from the request JSON, with errors naming the field
 *   5. JSON output           CB-Spider's shapes (OPERATIONS.md)
 *   6. operations            one function per operation name, and the table that maps names to them
 *   7. the ABI               connect, disconnect, call, release, the driver table and the entry symbol
 *
 * VPCs live in memory, per connection; they are lost on disconnect.
 */
#define _POSIX_C_SOURCE 200809L   /* strdup, pthreads */

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spider_driver.h"
#include "json_mini.h"

/* Must match driver.json. */
#define DRIVER_NAME      "cexample"
#define DRIVER_VERSION   "1.0.0"

/* The ABI versions this driver speaks: [DRIVER_ABI_MIN, DRIVER_ABI_MAX]. */
#define DRIVER_ABI_MIN   1
#define DRIVER_ABI_MAX   1

/* True when a versioned struct (one that starts with `struct_size`) is large enough to hold
   `field`: the header's rule for reading tables that may come from an older or newer peer. */
#define HAS_FIELD(ptr, type, field) \
    ((ptr) != NULL && (ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

/* ======================================================================================
 * 1. The catalogue
 * ==================================================================================== */

#define MAX_ZONES 4

typedef struct {
    const char *name;
    const char *display_name;
    const char *csp_display_name;
} zone_def;

typedef struct {
    const char *name;
    const char *display_name;
    const char *csp_display_name;
    zone_def zones[MAX_ZONES];          /* ends at the first entry without a name */
} region_def;

typedef struct {
    const char *count, *mfr, *model, *mem_gb, *total_mem_gb;
} gpu_def;

typedef struct {
    const char *name;
    const char *vcpus, *clock_ghz, *mem_mib, *disk_gb;   /* strings, as CB-Spider sends them */
    gpu_def gpu;                        /* gpu.count == NULL: no GPU */
    const char *only_region;            /* NULL: offered in every region */
} spec_def;

static const region_def REGIONS[] = {
    { "example-east", "Example East", "Example Cloud East (Virginia)",
      { { "example-east-a", "Example East A", "Example Cloud East (Virginia) zone A" },
        { "example-east-b", "Example East B", "Example Cloud East (Virginia) zone B" } } },
    { "example-west", "Example West", "Example Cloud West (Oregon)",
      { { "example-west-a", "Example West A", "Example Cloud West (Oregon) zone A" } } },
};
#define REGION_COUNT (sizeof REGIONS / sizeof REGIONS[0])

static const spec_def SPECS[] = {
    { .name = "ex.small",  .vcpus = "1", .clock_ghz = "2.5", .mem_mib = "2048",  .disk_gb = "20" },
    { .name = "ex.medium", .vcpus = "2", .clock_ghz = "2.5", .mem_mib = "4096",  .disk_gb = "40" },
    { .name = "ex.large",  .vcpus = "4", .clock_ghz = "3.0", .mem_mib = "16384", .disk_gb = "80" },
    { .name = "ex.gpu",    .vcpus = "8", .clock_ghz = "3.0", .mem_mib = "32768", .disk_gb = "200",
      .gpu = { "1", "NVIDIA", "T4", "16", "16" }, .only_region = "example-east" },
};
#define SPEC_COUNT (sizeof SPECS / sizeof SPECS[0])

static const region_def *find_region(const char *name)
{
    for (size_t i = 0; i < REGION_COUNT; i++)
        if (strcmp(REGIONS[i].name, name) == 0)
            return &REGIONS[i];
    return NULL;
}

/* The zone's name as stored in the catalogue, or NULL if `region` has no such zone. */
static const char *find_zone(const region_def *region, const char *name)
{
    for (size_t i = 0; i < MAX_ZONES && region->zones[i].name != NULL; i++)
        if (strcmp(region->zones[i].name, name) == 0)
            return region->zones[i].name;
    return NULL;
}

static int spec_in_region(const spec_def *spec, const region_def *region)
{
    return spec->only_region == NULL || strcmp(spec->only_region, region->name) == 0;
}

/* ======================================================================================
 * 2. Connection state
 * ==================================================================================== */

/* What is shared by every connection, on purpose and read-only after the entry call. */
typedef struct {
    const spider_host_services *host;   /* may be NULL; valid for the life of the process */
} driver_state;

/* An IPv4 block such as 10.0.0.0/16 (see parse_cidr). */
typedef struct {
    uint32_t addr;
    unsigned prefix;
} cidr_block;

typedef struct {
    char *key;
    char *value;
} tag;

typedef struct {
    tag *items;
    size_t count;
} tag_list;

typedef struct {
    char *name_id;                      /* the user's name, echoed back */
    char system_id[24];                 /* ours: "exsubnet-0001" */
    const char *zone;                   /* points into the catalogue */
    char *cidr;                         /* as given ... */
    cidr_block block;                   /* ... and parsed */
    tag_list tags;
} subnet;

typedef struct {
    char *name_id;
    char system_id[24];                 /* "exvpc-0001" */
    char *cidr;
    cidr_block block;
    subnet *subnets;
    size_t subnet_count;
    tag_list tags;
} vpc;

/* The opaque handle the host holds (declared, not defined, in spider_driver.h). */
struct spider_connection {
    const driver_state *driver;
    char *name;                         /* the connection config's name, for log lines */
    char *api_key;                      /* a real driver signs its cloud requests with it */
    const region_def *region;           /* NULL on a pre-connection: regionzone.* only */
    const char *zone;                   /* default zone for subnets; points into the catalogue */

    pthread_mutex_t lock;               /* `call` may run concurrently: guards all below */
    vpc *vpcs;
    size_t vpc_count;
    size_t vpc_capacity;
    unsigned next_vpc_number;
    unsigned next_subnet_number;
};

static void free_tags(tag_list *tags)
{
    for (size_t i = 0; i < tags->count; i++) {
        free(tags->items[i].key);
        free(tags->items[i].value);
    }
    free(tags->items);
    tags->items = NULL;
    tags->count = 0;
}

static void free_subnet(subnet *s)
{
    free(s->name_id);
    free(s->cidr);
    free_tags(&s->tags);
}

static void free_vpc(vpc *v)
{
    for (size_t i = 0; i < v->subnet_count; i++)
        free_subnet(&v->subnets[i]);
    free(v->subnets);
    free(v->name_id);
    free(v->cidr);
    free_tags(&v->tags);
}

/* Both lookups expect the connection's lock to be held. */
static vpc *find_vpc(spider_connection *c, const char *system_id)
{
    for (size_t i = 0; i < c->vpc_count; i++)
        if (strcmp(c->vpcs[i].system_id, system_id) == 0)
            return &c->vpcs[i];
    return NULL;
}

static vpc *find_vpc_by_name(spider_connection *c, const char *name_id)
{
    for (size_t i = 0; i < c->vpc_count; i++)
        if (strcmp(c->vpcs[i].name_id, name_id) == 0)
            return &c->vpcs[i];
    return NULL;
}

/* Sends a line to the host's log, if the host offers one. Long lines are cut. */
static void log_line(const driver_state *driver, spider_log_level level, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void log_line(const driver_state *driver, spider_log_level level, const char *format, ...)
{
    const spider_host_services *host = driver->host;
    char line[256];
    va_list args;
    int n;

    if (!HAS_FIELD(host, spider_host_services, log) || host->log == NULL)
        return;
    va_start(args, format);
    n = vsnprintf(line, sizeof line, format, args);
    va_end(args);
    if (n < 0)
        return;
    host->log(host->host_data, level, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* Asks the host whether the call should stop (client gone, deadline passed). */
static int call_cancelled(const driver_state *driver, const spider_call_context *ctx)
{
    const spider_host_services *host = driver->host;

    return HAS_FIELD(host, spider_host_services, is_cancelled) && host->is_cancelled != NULL
        && host->is_cancelled(host->host_data, ctx) != 0;
}

/* ======================================================================================
 * 3. Result helpers. Every buffer put in a result is malloc'ed here and freed by
 *    driver_release (below), on success and on error alike.
 * ==================================================================================== */

/* Sets an error status and a formatted message. Returns 0 so callers can `return fail(...)`. */
static int fail(spider_result *result, spider_status status, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(spider_result *result, spider_status status, const char *format, ...)
{
    va_list args;
    int n;

    result->status = status;
    free(result->message);
    result->message = NULL;
    result->message_len = 0;

    va_start(args, format);
    n = vsnprintf(NULL, 0, format, args);
    va_end(args);
    if (n < 0)
        return 0;
    result->message = malloc((size_t)n + 1);
    if (result->message == NULL)        /* the status still tells the host what happened */
        return 0;
    va_start(args, format);
    vsnprintf(result->message, (size_t)n + 1, format, args);
    va_end(args);
    result->message_len = (size_t)n;
    return 0;
}

static int fail_out_of_memory(spider_result *result)
{
    return fail(result, SPIDER_INTERNAL, "the %s driver ran out of memory", DRIVER_NAME);
}

/* Hands the built document to the result as SPIDER_OK. */
static void succeed(spider_result *result, json_buf *out)
{
    size_t len = 0;
    char *json = json_finish(out, &len);

    if (json == NULL) {
        fail_out_of_memory(result);
        return;
    }
    result->status = SPIDER_OK;
    result->json = json;
    result->json_len = len;
}

/* ======================================================================================
 * 4. Request helpers. Each returns 1 on success, or 0 after filling `result` with
 *    SPIDER_INVALID_ARGUMENT and a message naming the field ("SubnetInfoList[1].IId.NameId").
 *    `prefix` is the path to `object` ("" at the top).
 * ==================================================================================== */

#define PATH_MAX_LEN 128

/* Formats a field path into `buf` (PATH_MAX_LEN bytes). A path too long for it is cut,
   which only shortens an error message. */
static const char *make_path(char *buf, const char *format, ...) __attribute__((format(printf, 2, 3)));

static const char *make_path(char *buf, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    vsnprintf(buf, PATH_MAX_LEN, format, args);
    va_end(args);
    return buf;
}

/* "IId.NameId" from prefix "IId" and key "NameId"; just the key at the top ("" prefix). */
static const char *field_path(char *buf, const char *prefix, const char *key)
{
    return make_path(buf, "%s%s%s", prefix, *prefix ? "." : "", key);
}

/* A member of type `type`. When it is absent or null: an error if `required`, else *out = NULL. */
static int get_field(spider_result *result, const json_value *object, const char *prefix,
                     const char *key, json_type type, int required, const json_value **out)
{
    const json_value *v = json_member(object, key);
    char path[PATH_MAX_LEN];

    *out = NULL;
    if (v == NULL || v->type == JSON_NULL) {
        if (required)
            return fail(result, SPIDER_INVALID_ARGUMENT, "missing field '%s'",
                        field_path(path, prefix, key));
        return 1;
    }
    if (v->type != type)
        return fail(result, SPIDER_INVALID_ARGUMENT, "field '%s' must be a %s, not a %s",
                    field_path(path, prefix, key), json_type_name(type), json_type_name(v->type));
    *out = v;
    return 1;
}

/* A string member; a required one must also be non-empty. */
static int get_string(spider_result *result, const json_value *object, const char *prefix,
                      const char *key, int required, const char **out)
{
    const json_value *v;
    char path[PATH_MAX_LEN];

    *out = NULL;
    if (!get_field(result, object, prefix, key, JSON_STRING, required, &v))
        return 0;
    if (v != NULL && required && v->text[0] == '\0')
        return fail(result, SPIDER_INVALID_ARGUMENT, "field '%s' must not be empty",
                    field_path(path, prefix, key));
    *out = v != NULL ? v->text : NULL;
    return 1;
}

/* The SystemId of the IID in member `key` ("IId", "VPCIID", ...): how a driver finds a resource. */
static int get_system_id(spider_result *result, const json_value *object, const char *key,
                         const char **out)
{
    const json_value *iid;

    *out = NULL;
    return get_field(result, object, "", key, JSON_OBJECT, 1, &iid)
        && get_string(result, iid, key, "SystemId", 1, out);
}

/* The optional "TagList": [{"Key": s, "Value": s}], copied into `tags`. */
static int get_tags(spider_result *result, const json_value *object, const char *prefix,
                    tag_list *tags)
{
    const json_value *list;
    char path[PATH_MAX_LEN], item_path[PATH_MAX_LEN];

    tags->items = NULL;
    tags->count = 0;
    if (!get_field(result, object, prefix, "TagList", JSON_ARRAY, 0, &list))
        return 0;
    if (list == NULL || list->count == 0)
        return 1;
    tags->items = calloc(list->count, sizeof *tags->items);
    if (tags->items == NULL)
        return fail_out_of_memory(result);
    field_path(path, prefix, "TagList");
    for (size_t i = 0; i < list->count; i++) {
        const json_value *item = &list->items[i];
        const char *key, *value;

        make_path(item_path, "%s[%zu]", path, i);
        if (item->type != JSON_OBJECT) {
            free_tags(tags);
            return fail(result, SPIDER_INVALID_ARGUMENT, "field '%s' must be an object", item_path);
        }
        if (!get_string(result, item, item_path, "Key", 1, &key)
            || !get_string(result, item, item_path, "Value", 0, &value)) {
            free_tags(tags);
            return 0;
        }
        tags->items[i].key = strdup(key);
        tags->items[i].value = strdup(value != NULL ? value : "");
        tags->count = i + 1;
        if (tags->items[i].key == NULL || tags->items[i].value == NULL) {
            free_tags(tags);
            return fail_out_of_memory(result);
        }
    }
    return 1;
}

static uint32_t prefix_mask(unsigned prefix)
{
    return prefix == 0 ? 0 : UINT32_MAX << (32 - prefix);
}

/* Reads 1..`max_digits` decimal digits without a leading zero; returns the next char. */
static const char *read_decimal(const char *s, unsigned max_digits, unsigned *out)
{
    unsigned v = 0, digits = 0;

    while (*s >= '0' && *s <= '9' && digits < max_digits) {
        if (digits == 1 && v == 0)
            return NULL;                /* "01" */
        v = v * 10 + (unsigned)(*s++ - '0');
        digits++;
    }
    *out = v;
    return digits > 0 ? s : NULL;
}

/* Parses a strict IPv4 CIDR block: dotted quad, no leading zeros, host bits zero. */
static int parse_cidr(const char *s, cidr_block *out)
{
    uint32_t addr = 0;
    unsigned v;

    for (int i = 0; i < 4; i++) {
        s = read_decimal(s, 3, &v);
        if (s == NULL || v > 255 || *s++ != (i < 3 ? '.' : '/'))
            return 0;
        addr = addr << 8 | v;
    }
    s = read_decimal(s, 2, &v);
    if (s == NULL || *s != '\0' || v > 32 || (addr & ~prefix_mask(v)) != 0)
        return 0;
    out->addr = addr;
    out->prefix = v;
    return 1;
}

static int cidr_contains(cidr_block outer, cidr_block inner)
{
    return inner.prefix >= outer.prefix && (inner.addr & prefix_mask(outer.prefix)) == outer.addr;
}

static int cidr_overlaps(cidr_block a, cidr_block b)
{
    uint32_t mask = prefix_mask(a.prefix < b.prefix ? a.prefix : b.prefix);
    return (a.addr & mask) == (b.addr & mask);
}

static int get_cidr(spider_result *result, const json_value *object, const char *prefix,
                    const char **text, cidr_block *block)
{
    char path[PATH_MAX_LEN];

    if (!get_string(result, object, prefix, "IPv4_CIDR", 1, text))
        return 0;
    if (!parse_cidr(*text, block))
        return fail(result, SPIDER_INVALID_ARGUMENT,
                    "field '%s': '%s' is not an IPv4 CIDR block such as 10.0.0.0/16",
                    field_path(path, prefix, "IPv4_CIDR"), *text);
    return 1;
}

/* Reads one SubnetInfo at `prefix` into `out` and checks it against its VPC's block and its
   siblings. Assigns no SystemId: the caller does, once the whole request is valid.
   Call with the connection's lock held. */
static int read_subnet(spider_connection *c, spider_result *result, const json_value *object,
                       const char *prefix, cidr_block vpc_block, const char *vpc_cidr,
                       const subnet *siblings, size_t sibling_count, subnet *out)
{
    const json_value *iid;
    const char *name, *cidr_text, *zone;
    cidr_block block;
    char path[PATH_MAX_LEN];

    memset(out, 0, sizeof *out);
    if (object->type != JSON_OBJECT)
        return fail(result, SPIDER_INVALID_ARGUMENT, "field '%s' must be an object", prefix);
    if (!get_field(result, object, prefix, "IId", JSON_OBJECT, 1, &iid)
        || !get_string(result, iid, field_path(path, prefix, "IId"), "NameId", 1, &name)
        || !get_cidr(result, object, prefix, &cidr_text, &block)
        || !get_string(result, object, prefix, "Zone", 0, &zone))
        return 0;

    if (!cidr_contains(vpc_block, block))
        return fail(result, SPIDER_INVALID_ARGUMENT, "field '%s': %s is not inside the VPC's %s",
                    field_path(path, prefix, "IPv4_CIDR"), cidr_text, vpc_cidr);
    for (size_t i = 0; i < sibling_count; i++) {
        if (strcmp(siblings[i].name_id, name) == 0)
            return fail(result, SPIDER_ALREADY_EXISTS, "a subnet named '%s' already exists in this VPC",
                        name);
        if (cidr_overlaps(block, siblings[i].block))
            return fail(result, SPIDER_INVALID_ARGUMENT, "field '%s': %s overlaps subnet '%s' (%s)",
                        field_path(path, prefix, "IPv4_CIDR"), cidr_text, siblings[i].name_id,
                        siblings[i].cidr);
    }

    if (zone == NULL || zone[0] == '\0')
        out->zone = c->zone;
    else if ((out->zone = find_zone(c->region, zone)) == NULL)
        return fail(result, SPIDER_INVALID_ARGUMENT, "field '%s': zone '%s' is not in region '%s'",
                    field_path(path, prefix, "Zone"), zone, c->region->name);

    if (!get_tags(result, object, prefix, &out->tags))
        return 0;
    out->block = block;
    out->name_id = strdup(name);
    out->cidr = strdup(cidr_text);
    if (out->name_id == NULL || out->cidr == NULL) {
        free_subnet(out);
        return fail_out_of_memory(result);
    }
    return 1;
}

/* ======================================================================================
 * 5. JSON output, in CB-Spider's shapes (DriverABI/OPERATIONS.md)
 * ==================================================================================== */

static void write_iid(json_buf *out, const char *key, const char *name_id, const char *system_id)
{
    json_key(out, key);
    json_begin_object(out);
    json_member_string(out, "NameId", name_id);
    json_member_string(out, "SystemId", system_id);
    json_end_object(out);
}

/* TagList is optional: written only when there are tags. */
static void write_tags(json_buf *out, const tag_list *tags)
{
    if (tags->count == 0)
        return;
    json_key(out, "TagList");
    json_begin_array(out);
    for (size_t i = 0; i < tags->count; i++) {
        json_begin_object(out);
        json_member_string(out, "Key", tags->items[i].key);
        json_member_string(out, "Value", tags->items[i].value);
        json_end_object(out);
    }
    json_end_array(out);
}

static void write_region(json_buf *out, const region_def *region)
{
    json_begin_object(out);
    json_member_string(out, "Name", region->name);
    json_member_string(out, "DisplayName", region->display_name);
    json_member_string(out, "CSPDisplayName", region->csp_display_name);
    json_key(out, "ZoneList");
    json_begin_array(out);
    for (size_t i = 0; i < MAX_ZONES && region->zones[i].name != NULL; i++) {
        json_begin_object(out);
        json_member_string(out, "Name", region->zones[i].name);
        json_member_string(out, "DisplayName", region->zones[i].display_name);
        json_member_string(out, "CSPDisplayName", region->zones[i].csp_display_name);
        json_member_string(out, "Status", "Available");
        json_end_object(out);
    }
    json_end_array(out);
    json_end_object(out);
}

static void write_spec(json_buf *out, const spec_def *spec, const region_def *region)
{
    json_begin_object(out);
    json_member_string(out, "Region", region->name);
    json_member_string(out, "Name", spec->name);
    json_key(out, "VCpu");
    json_begin_object(out);
    json_member_string(out, "Count", spec->vcpus);
    json_member_string(out, "ClockGHz", spec->clock_ghz);
    json_end_object(out);
    json_member_string(out, "MemSizeMiB", spec->mem_mib);
    json_member_string(out, "DiskSizeGB", spec->disk_gb);
    if (spec->gpu.count != NULL) {
        json_key(out, "Gpu");
        json_begin_array(out);
        json_begin_object(out);
        json_member_string(out, "Count", spec->gpu.count);
        json_member_string(out, "Mfr", spec->gpu.mfr);
        json_member_string(out, "Model", spec->gpu.model);
        json_member_string(out, "MemSizeGB", spec->gpu.mem_gb);
        json_member_string(out, "TotalMemSizeGB", spec->gpu.total_mem_gb);
        json_end_object(out);
        json_end_array(out);
    }
    json_end_object(out);
}

static void write_subnet(json_buf *out, const subnet *s)
{
    json_begin_object(out);
    write_iid(out, "IId", s->name_id, s->system_id);
    json_member_string(out, "Zone", s->zone);
    json_member_string(out, "IPv4_CIDR", s->cidr);
    write_tags(out, &s->tags);
    json_end_object(out);
}

static void write_vpc(json_buf *out, const vpc *v)
{
    json_begin_object(out);
    write_iid(out, "IId", v->name_id, v->system_id);
    json_member_string(out, "IPv4_CIDR", v->cidr);
    json_key(out, "SubnetInfoList");
    json_begin_array(out);
    for (size_t i = 0; i < v->subnet_count; i++)
        write_subnet(out, &v->subnets[i]);
    json_end_array(out);
    write_tags(out, &v->tags);
    json_end_object(out);
}

static void write_empty_object(json_buf *out)
{
    json_begin_object(out);
    json_end_object(out);
}

/* ======================================================================================
 * 6. Operations. Each gets the parsed request (always an object) and fills `result`.
 * ==================================================================================== */

typedef void (*operation_fn)(spider_connection *c, const json_value *request, spider_result *result);

static void op_regionzone_list(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;

    (void)c;
    (void)request;
    json_begin_object(&out);
    json_key(&out, "regionzone");
    json_begin_array(&out);
    for (size_t i = 0; i < REGION_COUNT; i++)
        write_region(&out, &REGIONS[i]);
    json_end_array(&out);
    json_end_object(&out);
    succeed(result, &out);
}

static void op_regionzone_get(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;
    const region_def *region;
    const char *name;

    (void)c;
    if (!get_string(result, request, "", "Name", 1, &name))
        return;
    if ((region = find_region(name)) == NULL) {
        fail(result, SPIDER_NOT_FOUND, "region '%s' does not exist", name);
        return;
    }
    write_region(&out, region);
    succeed(result, &out);
}

static void op_vmspec_list(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;

    (void)request;
    json_begin_object(&out);
    json_key(&out, "vmspec");
    json_begin_array(&out);
    for (size_t i = 0; i < SPEC_COUNT; i++)
        if (spec_in_region(&SPECS[i], c->region))
            write_spec(&out, &SPECS[i], c->region);
    json_end_array(&out);
    json_end_object(&out);
    succeed(result, &out);
}

static void op_vmspec_get(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;
    const char *name;

    if (!get_string(result, request, "", "Name", 1, &name))
        return;
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        if (strcmp(SPECS[i].name, name) == 0 && spec_in_region(&SPECS[i], c->region)) {
            write_spec(&out, &SPECS[i], c->region);
            succeed(result, &out);
            return;
        }
    }
    fail(result, SPIDER_NOT_FOUND, "VM spec '%s' does not exist in region '%s'", name, c->region->name);
}

static void op_vpc_create(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;
    const json_value *iid, *subnets;
    const char *name, *cidr_text;
    cidr_block block;
    vpc v;
    int added = 0;

    memset(&v, 0, sizeof v);
    if (!get_field(result, request, "", "IId", JSON_OBJECT, 1, &iid)
        || !get_string(result, iid, "IId", "NameId", 1, &name)
        || !get_cidr(result, request, "", &cidr_text, &block)
        || !get_field(result, request, "", "SubnetInfoList", JSON_ARRAY, 1, &subnets)
        || !get_tags(result, request, "", &v.tags))
        return;

    pthread_mutex_lock(&c->lock);
    if (find_vpc_by_name(c, name) != NULL) {
        fail(result, SPIDER_ALREADY_EXISTS, "a VPC named '%s' already exists", name);
        goto done;
    }
    if (subnets->count > 0 && (v.subnets = calloc(subnets->count, sizeof *v.subnets)) == NULL) {
        fail_out_of_memory(result);
        goto done;
    }
    for (size_t i = 0; i < subnets->count; i++) {
        char prefix[PATH_MAX_LEN];
        make_path(prefix, "SubnetInfoList[%zu]", i);
        if (!read_subnet(c, result, &subnets->items[i], prefix, block, cidr_text,
                         v.subnets, v.subnet_count, &v.subnets[i]))
            goto done;
        v.subnet_count++;
    }
    v.block = block;
    v.name_id = strdup(name);
    v.cidr = strdup(cidr_text);
    if (v.name_id == NULL || v.cidr == NULL) {
        fail_out_of_memory(result);
        goto done;
    }
    if (c->vpc_count == c->vpc_capacity) {
        size_t capacity = c->vpc_capacity ? c->vpc_capacity * 2 : 8;
        vpc *grown = realloc(c->vpcs, capacity * sizeof *grown);
        if (grown == NULL) {
            fail_out_of_memory(result);
            goto done;
        }
        c->vpcs = grown;
        c->vpc_capacity = capacity;
    }
    /* The request is valid: now hand out the cloud's IDs. */
    snprintf(v.system_id, sizeof v.system_id, "exvpc-%04u", ++c->next_vpc_number);
    for (size_t i = 0; i < v.subnet_count; i++)
        snprintf(v.subnets[i].system_id, sizeof v.subnets[i].system_id, "exsubnet-%04u",
                 ++c->next_subnet_number);
    c->vpcs[c->vpc_count++] = v;
    added = 1;
    write_vpc(&out, &v);
    /* Still under the lock: once it is released another call may delete this VPC. */
    log_line(c->driver, SPIDER_LOG_INFO, "%s: created VPC %s (%s)", c->name, v.system_id, v.cidr);
done:
    pthread_mutex_unlock(&c->lock);
    if (added)
        succeed(result, &out);
    else
        free_vpc(&v);
}

static void op_vpc_list(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;

    (void)request;
    pthread_mutex_lock(&c->lock);
    json_begin_object(&out);
    json_key(&out, "vpc");
    json_begin_array(&out);
    for (size_t i = 0; i < c->vpc_count; i++)
        write_vpc(&out, &c->vpcs[i]);
    json_end_array(&out);
    json_end_object(&out);
    pthread_mutex_unlock(&c->lock);
    succeed(result, &out);
}

static void op_vpc_get(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;
    const char *system_id;
    const vpc *v;

    if (!get_system_id(result, request, "IId", &system_id))
        return;
    pthread_mutex_lock(&c->lock);
    if ((v = find_vpc(c, system_id)) != NULL)
        write_vpc(&out, v);
    pthread_mutex_unlock(&c->lock);
    if (v != NULL)
        succeed(result, &out);
    else
        fail(result, SPIDER_NOT_FOUND, "VPC '%s' does not exist", system_id);
}

static void op_vpc_delete(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;
    const char *system_id;
    vpc *v;

    if (!get_system_id(result, request, "IId", &system_id))
        return;
    pthread_mutex_lock(&c->lock);
    /* A cloud with security groups or VMs would answer SPIDER_CONFLICT here while they use it. */
    if ((v = find_vpc(c, system_id)) != NULL) {
        size_t index = (size_t)(v - c->vpcs);
        free_vpc(v);
        memmove(v, v + 1, (c->vpc_count - index - 1) * sizeof *v);
        c->vpc_count--;
        log_line(c->driver, SPIDER_LOG_INFO, "%s: deleted VPC %s", c->name, system_id);
    }
    pthread_mutex_unlock(&c->lock);
    if (v != NULL) {
        write_empty_object(&out);
        succeed(result, &out);
    } else
        fail(result, SPIDER_NOT_FOUND, "VPC '%s' does not exist", system_id);
}

static void op_vpc_subnet_add(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;
    const json_value *info;
    const char *system_id;
    subnet *grown;
    vpc *v;
    int added = 0;

    if (!get_system_id(result, request, "VPCIID", &system_id)
        || !get_field(result, request, "", "SubnetInfo", JSON_OBJECT, 1, &info))
        return;
    pthread_mutex_lock(&c->lock);
    if ((v = find_vpc(c, system_id)) == NULL) {
        fail(result, SPIDER_NOT_FOUND, "VPC '%s' does not exist", system_id);
        goto done;
    }
    grown = realloc(v->subnets, (v->subnet_count + 1) * sizeof *grown);
    if (grown == NULL) {
        fail_out_of_memory(result);
        goto done;
    }
    v->subnets = grown;
    if (!read_subnet(c, result, info, "SubnetInfo", v->block, v->cidr, v->subnets, v->subnet_count,
                     &v->subnets[v->subnet_count]))
        goto done;
    snprintf(v->subnets[v->subnet_count].system_id, sizeof v->subnets[0].system_id, "exsubnet-%04u",
             ++c->next_subnet_number);
    v->subnet_count++;
    added = 1;
    write_vpc(&out, v);
done:
    pthread_mutex_unlock(&c->lock);
    if (added)
        succeed(result, &out);
}

static void op_vpc_subnet_remove(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;
    const char *vpc_id, *subnet_id;
    vpc *v;
    int removed = 0;

    if (!get_system_id(result, request, "VPCIID", &vpc_id)
        || !get_system_id(result, request, "SubnetIID", &subnet_id))
        return;
    pthread_mutex_lock(&c->lock);
    /* A cloud with VMs would answer SPIDER_CONFLICT while one uses the subnet. */
    if ((v = find_vpc(c, vpc_id)) == NULL)
        fail(result, SPIDER_NOT_FOUND, "VPC '%s' does not exist", vpc_id);
    else {
        for (size_t i = 0; i < v->subnet_count && !removed; i++) {
            if (strcmp(v->subnets[i].system_id, subnet_id) == 0) {
                free_subnet(&v->subnets[i]);
                memmove(&v->subnets[i], &v->subnets[i + 1], (v->subnet_count - i - 1) * sizeof *v->subnets);
                v->subnet_count--;
                removed = 1;
            }
        }
        if (!removed)
            fail(result, SPIDER_NOT_FOUND, "subnet '%s' does not exist in VPC '%s'", subnet_id, vpc_id);
    }
    pthread_mutex_unlock(&c->lock);
    if (removed) {
        write_empty_object(&out);
        succeed(result, &out);
    }
}

/* Operation names (DriverABI/OPERATIONS.md) and their functions. Keep in step with the
   manifest's capabilities. */
static const struct {
    const char *name;
    operation_fn run;
} OPERATIONS[] = {
    { "regionzone.list",   op_regionzone_list },
    { "regionzone.get",    op_regionzone_get },
    { "vmspec.list",       op_vmspec_list },
    { "vmspec.get",        op_vmspec_get },
    { "vpc.create",        op_vpc_create },
    { "vpc.list",          op_vpc_list },
    { "vpc.get",           op_vpc_get },
    { "vpc.delete",        op_vpc_delete },
    { "vpc.subnet.add",    op_vpc_subnet_add },
    { "vpc.subnet.remove", op_vpc_subnet_remove },
};

static operation_fn find_operation(const char *name)
{
    for (size_t i = 0; i < sizeof OPERATIONS / sizeof OPERATIONS[0]; i++)
        if (strcmp(OPERATIONS[i].name, name) == 0)
            return OPERATIONS[i].run;
    return NULL;
}

/* ======================================================================================
 * 7. The ABI: the driver table's functions, the table, and the entry symbol
 * ==================================================================================== */

/* The value of `key` among `count` pairs, or NULL. */
static const char *find_kv(const spider_kv *pairs, size_t count, const char *key)
{
    for (size_t i = 0; pairs != NULL && i < count; i++)
        if (pairs[i].key != NULL && strcmp(pairs[i].key, key) == 0)
            return pairs[i].value != NULL ? pairs[i].value : "";
    return NULL;
}

static void destroy_connection(spider_connection *c)
{
    for (size_t i = 0; i < c->vpc_count; i++)
        free_vpc(&c->vpcs[i]);
    free(c->vpcs);
    free(c->name);
    free(c->api_key);
    free(c);
}

static void driver_connect(void *driver_data, const spider_connection_info *info,
                           spider_connection **out_connection, spider_result *result)
{
    const driver_state *driver = driver_data;
    const char *api_key, *region_name, *zone_name;
    const region_def *region;
    const char *zone;
    spider_connection *c;
    json_buf out = JSON_BUF_INIT;

    if (out_connection != NULL)
        *out_connection = NULL;
    if (result == NULL)
        return;
    if (out_connection == NULL || !HAS_FIELD(info, spider_connection_info, region_count)) {
        fail(result, SPIDER_INVALID_ARGUMENT, "connect needs connection info and a place for the handle");
        return;
    }

    /* Credential and region keys, as declared in driver.json. Never log the credentials. */
    api_key = find_kv(info->credentials, info->credential_count, "ApiKey");
    if (api_key == NULL || api_key[0] == '\0') {
        fail(result, SPIDER_INVALID_ARGUMENT, "credential key 'ApiKey' is missing or empty");
        return;
    }
    /* No region keys at all: a pre-connection (spider_driver.h), for regionzone.* only. */
    region = NULL;
    zone = NULL;
    if (info->region_count == 0)
        goto keys_checked;
    region_name = find_kv(info->region, info->region_count, "Region");
    if (region_name == NULL || region_name[0] == '\0') {
        fail(result, SPIDER_INVALID_ARGUMENT, "region key 'Region' is missing or empty");
        return;
    }
    if ((region = find_region(region_name)) == NULL) {
        char known[128] = "";
        for (size_t i = 0, n = 0; i < REGION_COUNT && n < sizeof known; i++)
            n += (size_t)snprintf(known + n, sizeof known - n, "%s%s", i ? ", " : "", REGIONS[i].name);
        fail(result, SPIDER_INVALID_ARGUMENT, "region key 'Region': '%s' is not one of the %s "
             "driver's regions (%s)", region_name, DRIVER_NAME, known);
        return;
    }
    zone = region->zones[0].name;       /* "Zone" is optional: default to the first zone */
    zone_name = find_kv(info->region, info->region_count, "Zone");
    if (zone_name != NULL && zone_name[0] != '\0' && (zone = find_zone(region, zone_name)) == NULL) {
        fail(result, SPIDER_INVALID_ARGUMENT, "region key 'Zone': '%s' is not a zone of region '%s'",
             zone_name, region->name);
        return;
    }

keys_checked:
    /* The host's strings are valid only during this call: keep copies. */
    c = calloc(1, sizeof *c);
    if (c == NULL) {
        fail_out_of_memory(result);
        return;
    }
    c->driver = driver;
    c->region = region;
    c->zone = zone;
    c->name = strdup(info->connection_name != NULL ? info->connection_name : "");
    c->api_key = strdup(api_key);
    if (c->name == NULL || c->api_key == NULL || pthread_mutex_init(&c->lock, NULL) != 0) {
        destroy_connection(c);
        fail_out_of_memory(result);
        return;
    }

    /* Optional: describe the connection. */
    json_begin_object(&out);
    json_member_string(&out, "Region", region != NULL ? region->name : "");
    json_member_string(&out, "Zone", zone != NULL ? zone : "");
    json_end_object(&out);
    succeed(result, &out);
    if (result->status != SPIDER_OK) {
        pthread_mutex_destroy(&c->lock);
        destroy_connection(c);
        return;
    }
    log_line(driver, SPIDER_LOG_INFO, "%s: connected to %s (zone %s)", c->name,
             region != NULL ? region->name : "no region (pre-connection)", zone != NULL ? zone : "-");
    *out_connection = c;
}

static void driver_disconnect(spider_connection *c)
{
    if (c == NULL)
        return;
    log_line(c->driver, SPIDER_LOG_INFO, "%s: disconnected", c->name);
    pthread_mutex_destroy(&c->lock);
    destroy_connection(c);
}

static void driver_call(spider_connection *c, const spider_call_context *ctx, const char *operation,
                        const char *request, size_t request_len, spider_result *result)
{
    operation_fn run;
    json_value *parsed;
    json_error error;

    if (result == NULL)
        return;
    if (c == NULL || operation == NULL) {
        fail(result, SPIDER_INVALID_ARGUMENT, "call needs a connection and an operation name");
        return;
    }
    if ((run = find_operation(operation)) == NULL) {
        fail(result, SPIDER_UNSUPPORTED, "operation '%s' is not supported by the %s driver",
             operation, DRIVER_NAME);
        return;
    }
    if (c->region == NULL && strncmp(operation, "regionzone.", strlen("regionzone.")) != 0) {
        fail(result, SPIDER_INVALID_ARGUMENT, "'%s' needs a region; this pre-connection has none "
             "and answers regionzone.* only", operation);
        return;
    }
    /* A real driver also checks between its cloud requests, and honours
       host->deadline_remaining_ms when it sets its network timeouts. */
    if (call_cancelled(c->driver, ctx)) {
        fail(result, SPIDER_CANCELLED, "'%s' was cancelled before it started", operation);
        return;
    }
    if (request == NULL) {              /* the host sends at least "{}"; be lenient */
        request = "{}";
        request_len = 2;
    }
    parsed = json_parse(request, request_len, &error);
    if (parsed == NULL) {
        fail(result, SPIDER_INVALID_ARGUMENT, "the request for '%s' is not valid JSON: %s at byte %zu",
             operation, error.message, error.offset);
        return;
    }
    if (parsed->type != JSON_OBJECT)
        fail(result, SPIDER_INVALID_ARGUMENT, "the request for '%s' must be a JSON object", operation);
    else
        run(c, parsed, result);
    json_free(parsed);
}

static void driver_release(void *driver_data, spider_result *result)
{
    (void)driver_data;
    if (result == NULL)
        return;
    free(result->json);
    free(result->message);
    free(result->cloud_error);
    result->json = result->message = result->cloud_error = NULL;
    result->json_len = result->message_len = result->cloud_error_len = 0;
}

/* The one piece of process-wide state, shared on purpose: the host's services, set by the
   entry call (which the host makes once, before any other call) and only read afterwards.
   Everything a connection changes lives in its own spider_connection. */
static driver_state g_driver;

/* The driver table: static, so it stays valid and unchanged for the life of the process.
   A driver that spoke several ABI versions would keep one table per version. */
static const spider_driver_table g_table = {
    .struct_size = sizeof(spider_driver_table),
    .abi_version = DRIVER_ABI_MAX,
    .name        = DRIVER_NAME,
    .version     = DRIVER_VERSION,
    .driver_data = &g_driver,
    .connect     = driver_connect,
    .disconnect  = driver_disconnect,
    .call        = driver_call,
    .release     = driver_release,
};

/* The only exported symbol (everything else is hidden by -fvisibility=hidden). */
__attribute__((visibility("default")))
spider_status spider_driver_entry(const spider_host_services *host,
                                  uint32_t host_min, uint32_t host_max,
                                  uint32_t *out_abi_version,
                                  const spider_driver_table **out_table);

spider_status spider_driver_entry(const spider_host_services *host,
                                  uint32_t host_min, uint32_t host_max,
                                  uint32_t *out_abi_version,
                                  const spider_driver_table **out_table)
{
    uint32_t chosen;

    if (out_table != NULL)
        *out_table = NULL;
    if (out_abi_version == NULL || out_table == NULL)
        return SPIDER_INVALID_ARGUMENT;

    /* The newest version both sides speak: the smaller of the two maximums, if it is not
       below either minimum. */
    chosen = host_max < DRIVER_ABI_MAX ? host_max : DRIVER_ABI_MAX;
    if (host_min > host_max || chosen < host_min || chosen < DRIVER_ABI_MIN)
        return SPIDER_UNSUPPORTED;

    g_driver.host = host;
    *out_abi_version = chosen;
    *out_table = &g_table;
    return SPIDER_OK;
}
