/*
 * cexample.h — what the files of the example driver share. Internal: the host never sees it.
 *
 * Everything declared here is compiled with -fvisibility=hidden, so it stays inside the
 * library even though it is not `static`. The sections follow the order of a request:
 *
 *   1. the catalogue         regions, zones and VM specs                  catalogue.c
 *   2. connection state      one struct per connection: region, credentials,
 *                            VPCs, key pairs, VMs, a mutex                  (this header)
 *   3. result helpers        how a result is filled (the driver allocates,
 *                            `release` frees)                               common.c
 *   4. request helpers       reading fields from the request JSON, with
 *                            errors naming the field                        common.c
 *   5. JSON output           CB-Spider's shapes (OPERATIONS.md)              common.c and each
 *                                                                           resource's file
 *   6. operations            one function per operation name                catalogue.c, vpc.c,
 *                                                                           keypair.c, vm.c
 *   7. the ABI               connect, disconnect, call, release, the table,
 *                            the entry symbol, the operation table          example_driver.c
 */
#ifndef CEXAMPLE_H
#define CEXAMPLE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "spider_driver.h"
#include "json_mini.h"

/* Must match driver.json. */
#define DRIVER_NAME      "cexample"
#define DRIVER_VERSION   "1.0.0"

/* True when a versioned struct (one that starts with `struct_size`) is large enough to hold
   `field`: the header's rule for reading tables that may come from an older or newer peer. */
#define HAS_FIELD(ptr, type, field) \
    ((ptr) != NULL && (ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

/* ======================================================================================
 * 1. The catalogue (catalogue.c)
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

const region_def *find_region(const char *name);
/* The zone's name as stored in the catalogue, or NULL if `region` has no such zone. */
const char *find_zone(const region_def *region, const char *name);
/* The spec named `name` offered in `region`, or NULL. */
const spec_def *find_spec(const char *name, const region_def *region);
/* "example-east, example-west", for error messages; cut to fit `size`. */
void region_names(char *buf, size_t size);

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

/* An IID the driver only echoes (an image, a security group): both strings copied. */
typedef struct {
    char *name_id;
    char *system_id;
} iid_copy;

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

typedef struct {
    char *name_id;
    char system_id[24];                 /* "exkey-0001" */
    char *public_key;                   /* the private key is never kept: returned once */
    char fingerprint[64];
    tag_list tags;
} keypair;

/* Every state is settled at once (this cloud has no delays), so only these two are kept;
   the transitional names (Suspending, Resuming, ...) are what the actions answer. */
typedef enum { VM_RUNNING, VM_SUSPENDED } vm_state;

typedef struct {
    char *name_id;
    char system_id[24];                 /* "exvm-0001" */
    char start_time[32];                /* RFC 3339, UTC */
    vm_state state;
    const spec_def *spec;               /* points into the catalogue */
    const char *zone;                   /* the subnet's zone; points into the catalogue */
    const char *image_type;             /* "PublicImage" (a string literal) */
    iid_copy image;
    /* The VPC, subnet and key pair are found by their SystemId when the VM is written: none
       of them can be deleted while this VM uses it (SPIDER_CONFLICT). */
    char vpc_id[24], subnet_id[24], keypair_id[24];
    iid_copy *security_groups;
    size_t security_group_count;
    char *root_disk_type;
    char *root_disk_size;
    char *user_id;
    uint32_t private_ip;                /* from the subnet's block */
    uint32_t public_ip;                 /* from 203.0.113.0/24 (RFC 5737 documentation range) */
    tag_list tags;
} vm;

/* The opaque handle the host holds (declared, not defined, in spider_driver.h). */
struct spider_connection {
    const driver_state *driver;
    char *name;                         /* the connection config's name, for log lines */
    char *api_key;                      /* a real driver signs its cloud requests with it */
    const region_def *region;           /* NULL on a pre-connection: regionzone.* only */
    const char *zone;                   /* default zone for subnets; points into the catalogue */

    pthread_mutex_t lock;               /* `call` may run concurrently: guards all below */
    vpc *vpcs;
    size_t vpc_count, vpc_capacity;
    keypair *keypairs;
    size_t keypair_count, keypair_capacity;
    vm *vms;
    size_t vm_count, vm_capacity;
    unsigned next_vpc_number, next_subnet_number, next_keypair_number, next_vm_number;
};

/* Frees what each record owns (not the record itself: it sits in an array). */
void free_tags(tag_list *tags);
void free_vpc(vpc *v);
void free_keypair(keypair *k);
void free_vm(vm *m);

/* Lookups by SystemId (how a driver finds a resource) or NameId (to refuse a duplicate).
   All expect the connection's lock to be held. */
vpc *find_vpc(spider_connection *c, const char *system_id);
subnet *find_subnet(vpc *v, const char *system_id);
keypair *find_keypair(spider_connection *c, const char *system_id);
vm *find_vm(spider_connection *c, const char *system_id);
/* The first VM that uses the resource, or NULL: what makes a delete a SPIDER_CONFLICT. */
const vm *vm_using_vpc(const spider_connection *c, const char *vpc_id);
const vm *vm_using_subnet(const spider_connection *c, const char *subnet_id);
const vm *vm_using_keypair(const spider_connection *c, const char *keypair_id);

/* Makes room for one more element in a growing array (doubling from 8): returns the array,
   perhaps moved, or NULL when out of memory (the old array is then left as it was). */
void *grow_array(void *items, size_t *capacity, size_t count, size_t item_size);

/* Sends a line to the host's log, if the host offers one. Long lines are cut. */
void log_line(const driver_state *driver, spider_log_level level, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Asks the host whether the call should stop (client gone, deadline passed). */
int call_cancelled(const driver_state *driver, const spider_call_context *ctx);

/* ======================================================================================
 * 3. Result helpers (common.c). Every buffer put in a result is malloc'ed here and freed by
 *    driver_release, on success and on error alike.
 * ==================================================================================== */

/* Sets an error status and a formatted message. Returns 0 so callers can `return fail(...)`. */
int fail(spider_result *result, spider_status status, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
int fail_out_of_memory(spider_result *result);
/* Hands the built document to the result as SPIDER_OK. */
void succeed(spider_result *result, json_buf *out);

/* ======================================================================================
 * 4. Request helpers (common.c). Each returns 1 on success, or 0 after filling `result` with
 *    SPIDER_INVALID_ARGUMENT and a message naming the field ("SubnetInfoList[1].IId.NameId").
 *    `prefix` is the path to `object` ("" at the top).
 * ==================================================================================== */

#define PATH_MAX_LEN 128

/* Formats a field path into `buf` (PATH_MAX_LEN bytes); a path too long is cut. */
const char *make_path(char *buf, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* "IId.NameId" from prefix "IId" and key "NameId"; just the key at the top ("" prefix). */
const char *field_path(char *buf, const char *prefix, const char *key);

/* A member of type `type`. When it is absent or null: an error if `required`, else *out = NULL. */
int get_field(spider_result *result, const json_value *object, const char *prefix,
              const char *key, json_type type, int required, const json_value **out);
/* A string member; a required one must also be non-empty. */
int get_string(spider_result *result, const json_value *object, const char *prefix,
               const char *key, int required, const char **out);
/* The NameId of the IID in member `key` of a create request ("IId"). */
int get_name_id(spider_result *result, const json_value *object, const char *key, const char **out);
/* The SystemId of the IID in member `key` ("IId", "VPCIID", ...). */
int get_system_id(spider_result *result, const json_value *object, const char *key,
                  const char **out);
/* The optional "TagList": [{"Key": s, "Value": s}], copied into `tags`. */
int get_tags(spider_result *result, const json_value *object, const char *prefix, tag_list *tags);

/* Strict IPv4 CIDR blocks: dotted quad, no leading zeros, host bits zero. */
int parse_cidr(const char *s, cidr_block *out);
int cidr_contains(cidr_block outer, cidr_block inner);
int cidr_overlaps(cidr_block a, cidr_block b);
/* The member "IPv4_CIDR", as text and parsed. */
int get_cidr(spider_result *result, const json_value *object, const char *prefix,
             const char **text, cidr_block *block);
/* "10.0.1.4" into `buf` (at least 16 bytes). */
const char *format_ipv4(char *buf, uint32_t addr);

/* ======================================================================================
 * 5. JSON output (common.c; each resource's writer sits in its own file)
 * ==================================================================================== */

void write_iid(json_buf *out, const char *key, const char *name_id, const char *system_id);
/* TagList is optional: written only when there are tags. */
void write_tags(json_buf *out, const tag_list *tags);
void write_empty_object(json_buf *out);
/* {"Status": status} */
void write_status(json_buf *out, const char *status);

/* ======================================================================================
 * 6. Operations. Each gets the parsed request (always an object) and fills `result`.
 * ==================================================================================== */

typedef void (*operation_fn)(spider_connection *c, const json_value *request, spider_result *result);

void op_regionzone_list(spider_connection *c, const json_value *request, spider_result *result);
void op_regionzone_get(spider_connection *c, const json_value *request, spider_result *result);
void op_vmspec_list(spider_connection *c, const json_value *request, spider_result *result);
void op_vmspec_get(spider_connection *c, const json_value *request, spider_result *result);

void op_vpc_create(spider_connection *c, const json_value *request, spider_result *result);
void op_vpc_list(spider_connection *c, const json_value *request, spider_result *result);
void op_vpc_get(spider_connection *c, const json_value *request, spider_result *result);
void op_vpc_delete(spider_connection *c, const json_value *request, spider_result *result);
void op_vpc_subnet_add(spider_connection *c, const json_value *request, spider_result *result);
void op_vpc_subnet_remove(spider_connection *c, const json_value *request, spider_result *result);

void op_keypair_create(spider_connection *c, const json_value *request, spider_result *result);
void op_keypair_list(spider_connection *c, const json_value *request, spider_result *result);
void op_keypair_get(spider_connection *c, const json_value *request, spider_result *result);
void op_keypair_delete(spider_connection *c, const json_value *request, spider_result *result);

void op_vm_start(spider_connection *c, const json_value *request, spider_result *result);
void op_vm_list(spider_connection *c, const json_value *request, spider_result *result);
void op_vm_get(spider_connection *c, const json_value *request, spider_result *result);
void op_vm_status(spider_connection *c, const json_value *request, spider_result *result);
void op_vm_status_list(spider_connection *c, const json_value *request, spider_result *result);
void op_vm_suspend(spider_connection *c, const json_value *request, spider_result *result);
void op_vm_resume(spider_connection *c, const json_value *request, spider_result *result);
void op_vm_reboot(spider_connection *c, const json_value *request, spider_result *result);
void op_vm_terminate(spider_connection *c, const json_value *request, spider_result *result);

#endif /* CEXAMPLE_H */
