/*
 * vpc.c — VPCs and their subnets, kept in memory per connection (vpc.*). Every operation holds
 * the connection's mutex while it reads or changes the VPC list, and keeps it while writing
 * the reply: once it is released another call may delete the VPC.
 */
#define _POSIX_C_SOURCE 200809L   /* strdup */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cexample.h"

/* ======================================================================================
 * 2. Connection state: VPCs and subnets
 * ==================================================================================== */

static void free_subnet(subnet *s)
{
    free(s->name_id);
    free(s->cidr);
    free_tags(&s->tags);
}

void free_vpc(vpc *v)
{
    for (size_t i = 0; i < v->subnet_count; i++)
        free_subnet(&v->subnets[i]);
    free(v->subnets);
    free(v->name_id);
    free(v->cidr);
    free_tags(&v->tags);
}

vpc *find_vpc(spider_connection *c, const char *system_id)
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

subnet *find_subnet(vpc *v, const char *system_id)
{
    for (size_t i = 0; i < v->subnet_count; i++)
        if (strcmp(v->subnets[i].system_id, system_id) == 0)
            return &v->subnets[i];
    return NULL;
}

/* ======================================================================================
 * 4. Request helpers: a SubnetInfo
 * ==================================================================================== */

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
 * 5. JSON output
 * ==================================================================================== */

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

/* ======================================================================================
 * 6. Operations
 * ==================================================================================== */

void op_vpc_create(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;
    const json_value *iid, *subnets;
    const char *name, *cidr_text;
    cidr_block block;
    vpc v, *grown;
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
    if ((grown = grow_array(c->vpcs, &c->vpc_capacity, c->vpc_count, sizeof *grown)) == NULL) {
        fail_out_of_memory(result);
        goto done;
    }
    c->vpcs = grown;
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

void op_vpc_list(spider_connection *c, const json_value *request, spider_result *result)
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

void op_vpc_get(spider_connection *c, const json_value *request, spider_result *result)
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

void op_vpc_delete(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;
    const char *system_id;
    const vm *user;
    vpc *v;
    int deleted = 0;

    if (!get_system_id(result, request, "IId", &system_id))
        return;
    pthread_mutex_lock(&c->lock);
    /* This cloud has no security groups; a cloud with them would also refuse while one uses it. */
    if ((v = find_vpc(c, system_id)) == NULL)
        fail(result, SPIDER_NOT_FOUND, "VPC '%s' does not exist", system_id);
    else if ((user = vm_using_vpc(c, system_id)) != NULL)
        fail(result, SPIDER_CONFLICT, "VPC '%s' is in use by VM '%s' (%s); terminate it first",
             system_id, user->name_id, user->system_id);
    else {
        size_t index = (size_t)(v - c->vpcs);
        free_vpc(v);
        memmove(v, v + 1, (c->vpc_count - index - 1) * sizeof *v);
        c->vpc_count--;
        deleted = 1;
        log_line(c->driver, SPIDER_LOG_INFO, "%s: deleted VPC %s", c->name, system_id);
    }
    pthread_mutex_unlock(&c->lock);
    if (deleted) {
        write_empty_object(&out);
        succeed(result, &out);
    }
}

void op_vpc_subnet_add(spider_connection *c, const json_value *request, spider_result *result)
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

void op_vpc_subnet_remove(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;
    const char *vpc_id, *subnet_id;
    const vm *user;
    subnet *s;
    vpc *v;
    int removed = 0;

    if (!get_system_id(result, request, "VPCIID", &vpc_id)
        || !get_system_id(result, request, "SubnetIID", &subnet_id))
        return;
    pthread_mutex_lock(&c->lock);
    if ((v = find_vpc(c, vpc_id)) == NULL)
        fail(result, SPIDER_NOT_FOUND, "VPC '%s' does not exist", vpc_id);
    else if ((s = find_subnet(v, subnet_id)) == NULL)
        fail(result, SPIDER_NOT_FOUND, "subnet '%s' does not exist in VPC '%s'", subnet_id, vpc_id);
    else if ((user = vm_using_subnet(c, subnet_id)) != NULL)
        fail(result, SPIDER_CONFLICT, "subnet '%s' is in use by VM '%s' (%s); terminate it first",
             subnet_id, user->name_id, user->system_id);
    else {
        size_t index = (size_t)(s - v->subnets);
        free_subnet(s);
        memmove(s, s + 1, (v->subnet_count - index - 1) * sizeof *s);
        v->subnet_count--;
        removed = 1;
    }
    pthread_mutex_unlock(&c->lock);
    if (removed) {
        write_empty_object(&out);
        succeed(result, &out);
    }
}
