/* The smallest driver the host accepts, for Tools/bench/install.sh's start-up figure: several
 * drivers installed under different names, built from this one file with
 *   cc -shared -fPIC -fvisibility=hidden -I DriverABI/C/include -DBENCH_DRIVER_NAME='"bench-a"' ...
 * It connects and answers every operation with SPIDER_UNSUPPORTED (the host answers 501): the
 * start-up figure that loads the drivers makes one such call on a connection of each. */
#include <stdlib.h>
#include "spider_driver.h"

#ifndef BENCH_DRIVER_NAME
#error "define BENCH_DRIVER_NAME as the manifest's name, e.g. -DBENCH_DRIVER_NAME='\"bench-a\"'"
#endif

static int connection_token;

static void tiny_connect(void *driver_data, const spider_connection_info *info,
                         spider_connection **out_connection, spider_result *result)
{
    (void)driver_data; (void)info;
    *out_connection = (spider_connection *)&connection_token;
    result->status = SPIDER_OK;
}

static void tiny_disconnect(spider_connection *connection) { (void)connection; }

static void tiny_call(spider_connection *connection, const spider_call_context *ctx,
                      const char *operation, const char *request, size_t request_len, spider_result *result)
{
    (void)connection; (void)ctx; (void)operation; (void)request; (void)request_len;
    result->status = SPIDER_UNSUPPORTED;
}

static void tiny_release(void *driver_data, spider_result *result)
{
    (void)driver_data;
    free(result->json); free(result->message); free(result->cloud_error);
    result->json = result->message = result->cloud_error = NULL;
}

static const spider_driver_table table = {
    .struct_size = sizeof(spider_driver_table), .abi_version = 1,
    .name = BENCH_DRIVER_NAME, .version = "1.0.0", .driver_data = NULL,
    .connect = tiny_connect, .disconnect = tiny_disconnect, .call = tiny_call, .release = tiny_release,
};

__attribute__((visibility("default")))
spider_status spider_driver_entry(const spider_host_services *host, uint32_t lo, uint32_t hi,
                                  uint32_t *out_version, const spider_driver_table **out_table)
{
    (void)host;
    if (lo > 1 || hi < 1) { *out_table = NULL; return SPIDER_UNSUPPORTED; }
    *out_version = 1;
    *out_table = &table;
    return SPIDER_OK;
}
