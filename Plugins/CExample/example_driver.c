/*
 * example_driver.c — a complete Spider driver in plain C for a pretend cloud, "CEXAMPLE".
 *
 * Copy this folder to start a driver for your own cloud. It is built against
 * DriverABI/C/include/spider_driver.h alone. The driver is a few files, read in this order:
 *
 *   cexample.h        what the files share: the catalogue's and the connection's types, and the
 *                     helpers' declarations, in numbered sections 1-6
 *   catalogue.c       1. regions, zones and VM specs (static data; a real driver asks its cloud),
 *                     and regionzone.*, vmspec.*
 *   common.c          2-5. the host's log, filling a result, reading request fields with errors
 *                     that name the field, IPv4 blocks, shared JSON shapes
 *   vpc.c             6. vpc.* (VPCs and subnets)
 *   keypair.c         6. keypair.* (key pairs, with a fake, clearly labelled private key)
 *   vm.c              6. vm.* (VMs: start, list, get, status, suspend/resume/reboot, terminate)
 *   example_driver.c  7. the ABI (this file): the operation table, connect, disconnect, call,
 *                     release, the driver table and the entry symbol
 *
 * Everything a connection creates lives in memory, in that connection; it is lost on disconnect.
 */
#define _POSIX_C_SOURCE 200809L   /* strdup, pthreads */

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cexample.h"

/* The ABI versions this driver speaks: [DRIVER_ABI_MIN, DRIVER_ABI_MAX]. */
#define DRIVER_ABI_MIN   1
#define DRIVER_ABI_MAX   1

/* ======================================================================================
 * 7. The ABI: the operation table, the driver table's functions, the table, and the entry
 *    symbol
 * ==================================================================================== */

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
    { "keypair.create",    op_keypair_create },
    { "keypair.list",      op_keypair_list },
    { "keypair.get",       op_keypair_get },
    { "keypair.delete",    op_keypair_delete },
    { "vm.start",          op_vm_start },
    { "vm.list",           op_vm_list },
    { "vm.get",            op_vm_get },
    { "vm.status",         op_vm_status },
    { "vm.status.list",    op_vm_status_list },
    { "vm.suspend",        op_vm_suspend },
    { "vm.resume",         op_vm_resume },
    { "vm.reboot",         op_vm_reboot },
    { "vm.terminate",      op_vm_terminate },
};

static operation_fn find_operation(const char *name)
{
    for (size_t i = 0; i < sizeof OPERATIONS / sizeof OPERATIONS[0]; i++)
        if (strcmp(OPERATIONS[i].name, name) == 0)
            return OPERATIONS[i].run;
    return NULL;
}

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
    for (size_t i = 0; i < c->vm_count; i++)
        free_vm(&c->vms[i]);
    free(c->vms);
    for (size_t i = 0; i < c->keypair_count; i++)
        free_keypair(&c->keypairs[i]);
    free(c->keypairs);
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
        char known[128];
        region_names(known, sizeof known);
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
