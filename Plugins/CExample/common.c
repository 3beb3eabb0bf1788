/*
 * common.c — the helpers every operation uses: the host's log and cancellation, filling a
 * result, reading fields from a request (with errors that name the field), IPv4 blocks, and
 * the small JSON shapes shared by every resource.
 */
#define _POSIX_C_SOURCE 200809L   /* strdup */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cexample.h"

/* ======================================================================================
 * 2. Connection state: shared helpers
 * ==================================================================================== */

void free_tags(tag_list *tags)
{
    for (size_t i = 0; i < tags->count; i++) {
        free(tags->items[i].key);
        free(tags->items[i].value);
    }
    free(tags->items);
    tags->items = NULL;
    tags->count = 0;
}

void *grow_array(void *items, size_t *capacity, size_t count, size_t item_size)
{
    size_t wanted;
    void *grown;

    if (count < *capacity)
        return items;
    wanted = *capacity ? *capacity * 2 : 8;
    if ((grown = realloc(items, wanted * item_size)) == NULL)
        return NULL;
    *capacity = wanted;
    return grown;
}

/* Sends a line to the host's log, if the host offers one. Long lines are cut. */
void log_line(const driver_state *driver, spider_log_level level, const char *format, ...)
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
int call_cancelled(const driver_state *driver, const spider_call_context *ctx)
{
    const spider_host_services *host = driver->host;

    return HAS_FIELD(host, spider_host_services, is_cancelled) && host->is_cancelled != NULL
        && host->is_cancelled(host->host_data, ctx) != 0;
}

/* ======================================================================================
 * 3. Result helpers. Every buffer put in a result is malloc'ed here and freed by
 *    driver_release (example_driver.c), on success and on error alike.
 * ==================================================================================== */

int fail(spider_result *result, spider_status status, const char *format, ...)
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

int fail_out_of_memory(spider_result *result)
{
    return fail(result, SPIDER_INTERNAL, "the %s driver ran out of memory", DRIVER_NAME);
}

/* Hands the built document to the result as SPIDER_OK. */
void succeed(spider_result *result, json_buf *out)
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

/* Formats a field path into `buf` (PATH_MAX_LEN bytes). A path too long for it is cut,
   which only shortens an error message. */
const char *make_path(char *buf, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    vsnprintf(buf, PATH_MAX_LEN, format, args);
    va_end(args);
    return buf;
}

/* "IId.NameId" from prefix "IId" and key "NameId"; just the key at the top ("" prefix). */
const char *field_path(char *buf, const char *prefix, const char *key)
{
    return make_path(buf, "%s%s%s", prefix, *prefix ? "." : "", key);
}

/* A member of type `type`. When it is absent or null: an error if `required`, else *out = NULL. */
int get_field(spider_result *result, const json_value *object, const char *prefix,
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
int get_string(spider_result *result, const json_value *object, const char *prefix,
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
int get_system_id(spider_result *result, const json_value *object, const char *key,
                         const char **out)
{
    const json_value *iid;

    *out = NULL;
    return get_field(result, object, "", key, JSON_OBJECT, 1, &iid)
        && get_string(result, iid, key, "SystemId", 1, out);
}

/* The optional "TagList": [{"Key": s, "Value": s}], copied into `tags`. */
int get_tags(spider_result *result, const json_value *object, const char *prefix,
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
int parse_cidr(const char *s, cidr_block *out)
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

int cidr_contains(cidr_block outer, cidr_block inner)
{
    return inner.prefix >= outer.prefix && (inner.addr & prefix_mask(outer.prefix)) == outer.addr;
}

int cidr_overlaps(cidr_block a, cidr_block b)
{
    uint32_t mask = prefix_mask(a.prefix < b.prefix ? a.prefix : b.prefix);
    return (a.addr & mask) == (b.addr & mask);
}

int get_cidr(spider_result *result, const json_value *object, const char *prefix,
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

/* The NameId of the IID in member `key` of a create request. */
int get_name_id(spider_result *result, const json_value *object, const char *key, const char **out)
{
    const json_value *iid;

    *out = NULL;
    return get_field(result, object, "", key, JSON_OBJECT, 1, &iid)
        && get_string(result, iid, key, "NameId", 1, out);
}

const char *format_ipv4(char *buf, uint32_t addr)
{
    snprintf(buf, 16, "%u.%u.%u.%u", (unsigned)(addr >> 24), (unsigned)(addr >> 16 & 255),
             (unsigned)(addr >> 8 & 255), (unsigned)(addr & 255));
    return buf;
}

/* ======================================================================================
 * 5. JSON output: the shapes every resource uses
 * ==================================================================================== */

void write_iid(json_buf *out, const char *key, const char *name_id, const char *system_id)
{
    json_key(out, key);
    json_begin_object(out);
    json_member_string(out, "NameId", name_id);
    json_member_string(out, "SystemId", system_id);
    json_end_object(out);
}

/* TagList is optional: written only when there are tags. */
void write_tags(json_buf *out, const tag_list *tags)
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

void write_empty_object(json_buf *out)
{
    json_begin_object(out);
    json_end_object(out);
}

void write_status(json_buf *out, const char *status)
{
    json_begin_object(out);
    json_member_string(out, "Status", status);
    json_end_object(out);
}
