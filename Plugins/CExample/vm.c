/*
 * vm.c — VMs, kept in memory per connection (vm.*): a tiny pretend cloud.
 *
 * vm.start checks every reference the way a cloud would: the spec must be in the catalogue,
 * the VPC and subnet must be this connection's, the key pair must exist. This cloud has no
 * image catalogue and no security groups, so any ImageIID names a public image, and
 * SecurityGroupIIDs must be an array (empty is fine) whose IIDs are echoed back unchecked.
 * A VM gets the next free private address of its subnet and a public address from
 * 203.0.113.0/24 (the RFC 5737 documentation range).
 *
 * Nothing here takes time, so every action settles at once: an action answers the
 * transitional status (Suspending, Resuming, Rebooting, Terminating) and vm.status already
 * shows where it settles (Suspended, Running, Running; a terminated VM is gone). A VM keeps
 * its VPC, subnet and key pair from being deleted (SPIDER_CONFLICT).
 */
#define _POSIX_C_SOURCE 200809L   /* strdup, gmtime_r */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cexample.h"

/* Defaults for what a VMReqInfo may leave out. */
#define DEFAULT_ROOT_DISK_TYPE "ex-ssd"
#define DEFAULT_VM_USER        "cb-user"
#define ROOT_DEVICE_NAME       "/dev/exda"
#define PUBLIC_BLOCK           0xCB007100u   /* 203.0.113.0/24 */

/* ======================================================================================
 * 2. Connection state: VMs
 * ==================================================================================== */

static void free_iid_copy(iid_copy *iid)
{
    free(iid->name_id);
    free(iid->system_id);
}

void free_vm(vm *m)
{
    free(m->name_id);
    free_iid_copy(&m->image);
    for (size_t i = 0; i < m->security_group_count; i++)
        free_iid_copy(&m->security_groups[i]);
    free(m->security_groups);
    free(m->root_disk_type);
    free(m->root_disk_size);
    free(m->user_id);
    free_tags(&m->tags);
}

vm *find_vm(spider_connection *c, const char *system_id)
{
    for (size_t i = 0; i < c->vm_count; i++)
        if (strcmp(c->vms[i].system_id, system_id) == 0)
            return &c->vms[i];
    return NULL;
}

static vm *find_vm_by_name(spider_connection *c, const char *name_id)
{
    for (size_t i = 0; i < c->vm_count; i++)
        if (strcmp(c->vms[i].name_id, name_id) == 0)
            return &c->vms[i];
    return NULL;
}

/* The first VM whose reference field (vpc_id, subnet_id or keypair_id, given by its offset)
   holds `system_id`: what stops that resource from being deleted. */
static const vm *vm_referencing(const spider_connection *c, size_t field, const char *system_id)
{
    for (size_t i = 0; i < c->vm_count; i++)
        if (strcmp((const char *)&c->vms[i] + field, system_id) == 0)
            return &c->vms[i];
    return NULL;
}

const vm *vm_using_vpc(const spider_connection *c, const char *vpc_id)
{
    return vm_referencing(c, offsetof(vm, vpc_id), vpc_id);
}

const vm *vm_using_subnet(const spider_connection *c, const char *subnet_id)
{
    return vm_referencing(c, offsetof(vm, subnet_id), subnet_id);
}

const vm *vm_using_keypair(const spider_connection *c, const char *keypair_id)
{
    return vm_referencing(c, offsetof(vm, keypair_id), keypair_id);
}

/* The lowest address of `s` that no VM uses, skipping the network address and, in blocks of
   8 or more, the three after it (a cloud's router, DNS, reserve) and the broadcast address.
   Returns 0 when the subnet is full. */
static uint32_t free_private_ip(const spider_connection *c, const subnet *s)
{
    uint64_t size = (uint64_t)1 << (32 - s->block.prefix);
    uint64_t first = size >= 8 ? 4 : 1;

    for (uint64_t offset = first; offset + 1 < size; offset++) {
        uint32_t candidate = s->block.addr + (uint32_t)offset;
        int used = 0;
        for (size_t i = 0; i < c->vm_count && !used; i++)
            used = strcmp(c->vms[i].subnet_id, s->system_id) == 0 && c->vms[i].private_ip == candidate;
        if (!used)
            return candidate;
    }
    return 0;
}

/* ======================================================================================
 * 4. Request helpers: a VMReqInfo
 * ==================================================================================== */

/* Copies an IID that is only echoed back. An object with a NameId or a SystemId, or both;
   the missing one is taken from the other. */
static int get_iid_copy(spider_result *result, const json_value *iid, const char *path, iid_copy *out)
{
    const char *name, *system_id;

    memset(out, 0, sizeof *out);
    if (iid->type != JSON_OBJECT)
        return fail(result, SPIDER_INVALID_ARGUMENT, "field '%s' must be an object", path);
    if (!get_string(result, iid, path, "NameId", 0, &name)
        || !get_string(result, iid, path, "SystemId", 0, &system_id))
        return 0;
    if ((name == NULL || name[0] == '\0') && (system_id == NULL || system_id[0] == '\0'))
        return fail(result, SPIDER_INVALID_ARGUMENT, "field '%s' needs a NameId or a SystemId", path);
    if (name == NULL || name[0] == '\0')
        name = system_id;
    if (system_id == NULL || system_id[0] == '\0')
        system_id = name;
    out->name_id = strdup(name);
    out->system_id = strdup(system_id);
    if (out->name_id == NULL || out->system_id == NULL) {
        free_iid_copy(out);
        return fail_out_of_memory(result);
    }
    return 1;
}

/* "SecurityGroupIIDs": an array (it may be empty) of IIDs, copied. */
static int get_security_groups(spider_result *result, const json_value *request, vm *m)
{
    const json_value *list;
    char path[PATH_MAX_LEN];

    if (!get_field(result, request, "", "SecurityGroupIIDs", JSON_ARRAY, 1, &list))
        return 0;
    if (list->count == 0)
        return 1;
    if ((m->security_groups = calloc(list->count, sizeof *m->security_groups)) == NULL)
        return fail_out_of_memory(result);
    for (size_t i = 0; i < list->count; i++) {
        if (!get_iid_copy(result, &list->items[i], make_path(path, "SecurityGroupIIDs[%zu]", i),
                          &m->security_groups[i]))
            return 0;
        m->security_group_count++;
    }
    return 1;
}

/* A disk size in GB: 1 to 5 digits, no leading zero. */
static int is_disk_size(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 5 || s[0] == '0')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* What vm.start reads from its request, checked for shape only. */
typedef struct {
    const char *name, *image_type, *spec_name;
    const char *vpc_id, *subnet_id, *keypair_id;
    const char *root_disk_type, *root_disk_size, *user_id;
    const json_value *data_disks;
} vm_request;

/* Reads the fields of a VMReqInfo into `req` and the copies a VM keeps into `m`.
   Every error here is SPIDER_INVALID_ARGUMENT naming the field. */
static int read_vm_request(spider_result *result, const json_value *request, vm_request *req, vm *m)
{
    const json_value *image;

    if (!get_name_id(result, request, "IId", &req->name)
        || !get_string(result, request, "", "ImageType", 0, &req->image_type)
        || !get_field(result, request, "", "ImageIID", JSON_OBJECT, 1, &image)
        || !get_iid_copy(result, image, "ImageIID", &m->image)
        || !get_system_id(result, request, "VpcIID", &req->vpc_id)
        || !get_system_id(result, request, "SubnetIID", &req->subnet_id)
        || !get_security_groups(result, request, m)
        || !get_string(result, request, "", "VMSpecName", 1, &req->spec_name)
        || !get_system_id(result, request, "KeyPairIID", &req->keypair_id)
        || !get_string(result, request, "", "RootDiskType", 0, &req->root_disk_type)
        || !get_string(result, request, "", "RootDiskSize", 0, &req->root_disk_size)
        || !get_field(result, request, "", "DataDiskIIDs", JSON_ARRAY, 0, &req->data_disks)
        || !get_string(result, request, "", "VMUserId", 0, &req->user_id)
        || !get_tags(result, request, "", &m->tags))
        return 0;
    /* VMUserPasswd is accepted and ignored: this cloud's images log in with the key pair. */

    if (req->image_type == NULL || req->image_type[0] == '\0')
        req->image_type = "PublicImage";
    if (strcmp(req->image_type, "PublicImage") != 0 && strcmp(req->image_type, "MyImage") != 0)
        return fail(result, SPIDER_INVALID_ARGUMENT, "field 'ImageType' must be PublicImage or MyImage, "
                    "not '%s'", req->image_type);
    if (req->root_disk_size != NULL && (req->root_disk_size[0] == '\0'
                                        || strcmp(req->root_disk_size, "default") == 0))
        req->root_disk_size = NULL;     /* the spec's size */
    if (req->root_disk_size != NULL && !is_disk_size(req->root_disk_size))
        return fail(result, SPIDER_INVALID_ARGUMENT, "field 'RootDiskSize': '%s' is not a size in GB "
                    "such as \"50\"", req->root_disk_size);
    return 1;
}

/* Checks that what the request names exists, in the order OPERATIONS.md gives (image, spec,
   VPC, subnet, security groups, key pair), then disks. Call with the connection's lock held. */
static int check_references(spider_connection *c, spider_result *result, const vm_request *req,
                            const vm *m, const spec_def **spec, subnet **s)
{
    vpc *v;

    if (find_vm_by_name(c, req->name) != NULL)
        return fail(result, SPIDER_ALREADY_EXISTS, "a VM named '%s' already exists", req->name);
    if (strcmp(req->image_type, "MyImage") == 0)
        return fail(result, SPIDER_NOT_FOUND, "MyImage '%s' does not exist: the %s driver has no "
                    "MyImages", m->image.system_id, DRIVER_NAME);
    /* Public images: this cloud has no image catalogue, so any name is accepted. */
    if ((*spec = find_spec(req->spec_name, c->region)) == NULL)
        return fail(result, SPIDER_NOT_FOUND, "VM spec '%s' does not exist in region '%s'",
                    req->spec_name, c->region->name);
    if ((v = find_vpc(c, req->vpc_id)) == NULL)
        return fail(result, SPIDER_NOT_FOUND, "VPC '%s' does not exist", req->vpc_id);
    if ((*s = find_subnet(v, req->subnet_id)) == NULL)
        return fail(result, SPIDER_NOT_FOUND, "subnet '%s' does not exist in VPC '%s'",
                    req->subnet_id, req->vpc_id);
    /* Security groups: this cloud has none, so their IIDs are only echoed back. */
    if (find_keypair(c, req->keypair_id) == NULL)
        return fail(result, SPIDER_NOT_FOUND, "key pair '%s' does not exist", req->keypair_id);
    if (req->data_disks != NULL && req->data_disks->count > 0)
        return fail(result, SPIDER_NOT_FOUND, "DataDiskIIDs[0] does not exist: the %s driver has no "
                    "disks", DRIVER_NAME);
    if (req->root_disk_size != NULL && atoi(req->root_disk_size) < atoi((*spec)->disk_gb))
        return fail(result, SPIDER_INVALID_ARGUMENT, "field 'RootDiskSize': %s GB is less than spec "
                    "'%s' needs (%s GB)", req->root_disk_size, (*spec)->name, (*spec)->disk_gb);
    return 1;
}

/* ======================================================================================
 * 5. JSON output
 * ==================================================================================== */

static const char *state_name(vm_state state)
{
    return state == VM_RUNNING ? "Running" : "Suspended";
}

/* VMInfo. The VPC, subnet and key pair are looked up for their names (they cannot be deleted
   while the VM uses them). Call with the connection's lock held. */
static void write_vm(json_buf *out, spider_connection *c, const vm *m)
{
    vpc *v = find_vpc(c, m->vpc_id);
    const subnet *s = v != NULL ? find_subnet(v, m->subnet_id) : NULL;
    const keypair *k = find_keypair(c, m->keypair_id);
    char private_ip[16], public_ip[16], access_point[24];

    format_ipv4(private_ip, m->private_ip);
    format_ipv4(public_ip, m->public_ip);
    snprintf(access_point, sizeof access_point, "%s:22", public_ip);

    json_begin_object(out);
    write_iid(out, "IId", m->name_id, m->system_id);
    json_member_string(out, "StartTime", m->start_time);
    json_key(out, "Region");
    json_begin_object(out);
    json_member_string(out, "Region", c->region->name);
    json_member_string(out, "Zone", m->zone);
    json_end_object(out);
    json_member_string(out, "ImageType", m->image_type);
    write_iid(out, "ImageIId", m->image.name_id, m->image.system_id);
    json_member_string(out, "VMSpecName", m->spec->name);
    write_iid(out, "VpcIID", v != NULL ? v->name_id : "", m->vpc_id);
    write_iid(out, "SubnetIID", s != NULL ? s->name_id : "", m->subnet_id);
    json_key(out, "SecurityGroupIIds");
    json_begin_array(out);
    for (size_t i = 0; i < m->security_group_count; i++) {
        json_begin_object(out);
        json_member_string(out, "NameId", m->security_groups[i].name_id);
        json_member_string(out, "SystemId", m->security_groups[i].system_id);
        json_end_object(out);
    }
    json_end_array(out);
    write_iid(out, "KeyPairIId", k != NULL ? k->name_id : "", m->keypair_id);
    json_member_string(out, "RootDiskType", m->root_disk_type);
    json_member_string(out, "RootDiskSize", m->root_disk_size);
    json_member_string(out, "RootDeviceName", ROOT_DEVICE_NAME);
    json_member_string(out, "VMUserId", m->user_id);
    json_member_string(out, "NetworkInterface", "eth0");
    json_member_string(out, "PublicIP", public_ip);
    json_member_string(out, "PrivateIP", private_ip);
    json_member_string(out, "Platform", "LINUX");
    json_member_string(out, "SSHAccessPoint", access_point);
    json_member_string(out, "AccessPoint", access_point);
    write_tags(out, &m->tags);
    json_end_object(out);
}

/* ======================================================================================
 * 6. Operations
 * ==================================================================================== */

void op_vm_start(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;
    vm_request req;
    const spec_def *spec = NULL;
    subnet *s = NULL;
    vm m, *grown;
    struct tm now;
    time_t seconds;
    int added = 0;

    memset(&req, 0, sizeof req);
    memset(&m, 0, sizeof m);
    if (!read_vm_request(result, request, &req, &m)) {
        free_vm(&m);
        return;
    }

    pthread_mutex_lock(&c->lock);
    if (!check_references(c, result, &req, &m, &spec, &s))
        goto done;
    if ((m.private_ip = free_private_ip(c, s)) == 0) {
        fail(result, SPIDER_CONFLICT, "subnet '%s' (%s) has no free address", s->system_id, s->cidr);
        goto done;
    }
    if ((grown = grow_array(c->vms, &c->vm_capacity, c->vm_count, sizeof *grown)) == NULL) {
        fail_out_of_memory(result);
        goto done;
    }
    c->vms = grown;
    m.name_id = strdup(req.name);
    m.root_disk_type = strdup(req.root_disk_type != NULL && req.root_disk_type[0] != '\0'
                              ? req.root_disk_type : DEFAULT_ROOT_DISK_TYPE);
    m.root_disk_size = strdup(req.root_disk_size != NULL ? req.root_disk_size : spec->disk_gb);
    m.user_id = strdup(req.user_id != NULL && req.user_id[0] != '\0' ? req.user_id : DEFAULT_VM_USER);
    if (m.name_id == NULL || m.root_disk_type == NULL || m.root_disk_size == NULL || m.user_id == NULL) {
        fail_out_of_memory(result);
        goto done;
    }

    /* The request is valid: the VM starts, and is Running at once. */
    snprintf(m.system_id, sizeof m.system_id, "exvm-%04u", ++c->next_vm_number);
    seconds = time(NULL);
    if (gmtime_r(&seconds, &now) == NULL
        || strftime(m.start_time, sizeof m.start_time, "%Y-%m-%dT%H:%M:%SZ", &now) == 0)
        strcpy(m.start_time, "1970-01-01T00:00:00Z");
    m.state = VM_RUNNING;
    m.spec = spec;
    m.zone = s->zone;
    m.image_type = "PublicImage";
    snprintf(m.vpc_id, sizeof m.vpc_id, "%s", req.vpc_id);
    snprintf(m.subnet_id, sizeof m.subnet_id, "%s", req.subnet_id);
    snprintf(m.keypair_id, sizeof m.keypair_id, "%s", req.keypair_id);
    m.public_ip = PUBLIC_BLOCK + (c->next_vm_number - 1) % 254 + 1;   /* may repeat after 254 */
    c->vms[c->vm_count++] = m;
    added = 1;
    write_vm(&out, c, &m);
    log_line(c->driver, SPIDER_LOG_INFO, "%s: started VM %s (%s in %s)", c->name, m.system_id,
             spec->name, s->system_id);
done:
    pthread_mutex_unlock(&c->lock);
    if (added)
        succeed(result, &out);
    else
        free_vm(&m);
}

void op_vm_list(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;

    (void)request;
    pthread_mutex_lock(&c->lock);
    json_begin_object(&out);
    json_key(&out, "vm");
    json_begin_array(&out);
    for (size_t i = 0; i < c->vm_count; i++)
        write_vm(&out, c, &c->vms[i]);
    json_end_array(&out);
    json_end_object(&out);
    pthread_mutex_unlock(&c->lock);
    succeed(result, &out);
}

void op_vm_get(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;
    const char *system_id;
    const vm *m;

    if (!get_system_id(result, request, "IId", &system_id))
        return;
    pthread_mutex_lock(&c->lock);
    if ((m = find_vm(c, system_id)) != NULL)
        write_vm(&out, c, m);
    pthread_mutex_unlock(&c->lock);
    if (m != NULL)
        succeed(result, &out);
    else
        fail(result, SPIDER_NOT_FOUND, "VM '%s' does not exist", system_id);
}

void op_vm_status(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;
    const char *system_id;
    const vm *m;

    if (!get_system_id(result, request, "IId", &system_id))
        return;
    pthread_mutex_lock(&c->lock);
    if ((m = find_vm(c, system_id)) != NULL)
        write_status(&out, state_name(m->state));
    pthread_mutex_unlock(&c->lock);
    if (m != NULL)
        succeed(result, &out);
    else
        fail(result, SPIDER_NOT_FOUND, "VM '%s' does not exist", system_id);
}

void op_vm_status_list(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;

    (void)request;
    pthread_mutex_lock(&c->lock);
    json_begin_object(&out);
    json_key(&out, "vmstatus");
    json_begin_array(&out);
    for (size_t i = 0; i < c->vm_count; i++) {
        json_begin_object(&out);
        write_iid(&out, "IId", c->vms[i].name_id, c->vms[i].system_id);
        json_member_string(&out, "VmStatus", state_name(c->vms[i].state));
        json_end_object(&out);
    }
    json_end_array(&out);
    json_end_object(&out);
    pthread_mutex_unlock(&c->lock);
    succeed(result, &out);
}

/* suspend, resume and reboot: allowed only from `from`; the VM settles in `to` at once and the
   answer is the transitional status `answer`. */
static void vm_action(spider_connection *c, const json_value *request, spider_result *result,
                      const char *verb, vm_state from, vm_state to, const char *answer)
{
    json_buf out = JSON_BUF_INIT;
    const char *system_id;
    vm *m;
    int done = 0;

    if (!get_system_id(result, request, "IId", &system_id))
        return;
    pthread_mutex_lock(&c->lock);
    if ((m = find_vm(c, system_id)) == NULL)
        fail(result, SPIDER_NOT_FOUND, "VM '%s' does not exist", system_id);
    else if (m->state != from)
        fail(result, SPIDER_CONFLICT, "VM '%s' is %s; only a %s VM can be %s", system_id,
             state_name(m->state), state_name(from), verb);
    else {
        m->state = to;
        done = 1;
        log_line(c->driver, SPIDER_LOG_INFO, "%s: VM %s %s", c->name, system_id, verb);
    }
    pthread_mutex_unlock(&c->lock);
    if (done) {
        write_status(&out, answer);
        succeed(result, &out);
    }
}

void op_vm_suspend(spider_connection *c, const json_value *request, spider_result *result)
{
    vm_action(c, request, result, "suspended", VM_RUNNING, VM_SUSPENDED, "Suspending");
}

void op_vm_resume(spider_connection *c, const json_value *request, spider_result *result)
{
    vm_action(c, request, result, "resumed", VM_SUSPENDED, VM_RUNNING, "Resuming");
}

void op_vm_reboot(spider_connection *c, const json_value *request, spider_result *result)
{
    vm_action(c, request, result, "rebooted", VM_RUNNING, VM_RUNNING, "Rebooting");
}

/* Running or suspended, the VM goes; its private address is free again. */
void op_vm_terminate(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;
    const char *system_id;
    vm *m;
    int removed = 0;

    if (!get_system_id(result, request, "IId", &system_id))
        return;
    pthread_mutex_lock(&c->lock);
    if ((m = find_vm(c, system_id)) == NULL)
        fail(result, SPIDER_NOT_FOUND, "VM '%s' does not exist", system_id);
    else {
        size_t index = (size_t)(m - c->vms);
        free_vm(m);
        memmove(m, m + 1, (c->vm_count - index - 1) * sizeof *m);
        c->vm_count--;
        removed = 1;
        log_line(c->driver, SPIDER_LOG_INFO, "%s: terminated VM %s", c->name, system_id);
    }
    pthread_mutex_unlock(&c->lock);
    if (removed) {
        write_status(&out, "Terminating");
        succeed(result, &out);
    }
}
