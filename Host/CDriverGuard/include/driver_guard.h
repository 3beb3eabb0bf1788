/* A crash inside a driver is the driver's, not the host's: the host makes every call into a
 * driver's code through these shims, which catch the crash signals (SIGSEGV, SIGBUS, SIGFPE,
 * SIGILL, SIGTRAP, SIGABRT) raised on the calling thread while the driver runs and return their
 * number (0 when the driver returned). Only driver frames are jumped over. The host then treats
 * the driver as broken (its memory and locks are in an unknown state) and calls it no more.
 *
 * Limits: only the calling thread is guarded (a crash on a thread the driver started itself still
 * ends the process); a crash outside these shims keeps its usual effect (the handler that was
 * installed before, or the default). Each guarded thread gets an alternate signal stack, so a
 * stack overflow in the driver is caught too. */
#ifndef SPIDER_DRIVER_GUARD_H
#define SPIDER_DRIVER_GUARD_H

#include "spider_driver.h"

int spider_guarded_entry(spider_driver_entry_fn entry, const spider_host_services *host, uint32_t host_min,
                         uint32_t host_max, uint32_t *out_abi_version, const spider_driver_table **out_table,
                         spider_status *out_status);
int spider_guarded_connect(const spider_driver_table *table, const spider_connection_info *info,
                           spider_connection **out_connection, spider_result *result);
int spider_guarded_disconnect(const spider_driver_table *table, spider_connection *connection);
int spider_guarded_call(const spider_driver_table *table, spider_connection *connection, const spider_call_context *ctx,
                        const char *operation, const char *request, size_t request_len, spider_result *result);
int spider_guarded_try_call(const spider_driver_table *table, spider_connection *connection, const char *operation,
                            const char *request, size_t request_len, spider_result *result, int32_t *out_answered);
int spider_guarded_release(const spider_driver_table *table, spider_result *result);

#endif
