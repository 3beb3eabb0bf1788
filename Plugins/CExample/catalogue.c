/*
 * catalogue.c — the pretend cloud's catalogue: regions, zones and VM specs, and the operations
 * that read it (regionzone.*, vmspec.*). Static, read-only data: no lock is needed. A real
 * driver asks its cloud for all of this (the host caches vmspec.list per connection).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include "cexample.h"

/* ======================================================================================
 * 1. The catalogue
 * ==================================================================================== */

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

const region_def *find_region(const char *name)
{
    for (size_t i = 0; i < REGION_COUNT; i++)
        if (strcmp(REGIONS[i].name, name) == 0)
            return &REGIONS[i];
    return NULL;
}

/* The zone's name as stored in the catalogue, or NULL if `region` has no such zone. */
const char *find_zone(const region_def *region, const char *name)
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

const spec_def *find_spec(const char *name, const region_def *region)
{
    for (size_t i = 0; i < SPEC_COUNT; i++)
        if (strcmp(SPECS[i].name, name) == 0 && spec_in_region(&SPECS[i], region))
            return &SPECS[i];
    return NULL;
}

void region_names(char *buf, size_t size)
{
    size_t n = 0;

    if (size == 0)
        return;
    buf[0] = '\0';
    for (size_t i = 0; i < REGION_COUNT && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", REGIONS[i].name);
}

/* ======================================================================================
 * 5. JSON output
 * ==================================================================================== */

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

/* ======================================================================================
 * 6. Operations
 * ==================================================================================== */

void op_regionzone_list(spider_connection *c, const json_value *request, spider_result *result)
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

void op_regionzone_get(spider_connection *c, const json_value *request, spider_result *result)
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

void op_vmspec_list(spider_connection *c, const json_value *request, spider_result *result)
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

void op_vmspec_get(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;
    const spec_def *spec;
    const char *name;

    if (!get_string(result, request, "", "Name", 1, &name))
        return;
    if ((spec = find_spec(name, c->region)) == NULL) {
        fail(result, SPIDER_NOT_FOUND, "VM spec '%s' does not exist in region '%s'", name, c->region->name);
        return;
    }
    write_spec(&out, spec, c->region);
    succeed(result, &out);
}
