/* A crash inside a driver loaded into spiderd is the driver's, not the host's: the host makes every
 * call into a driver's code through these shims, which catch the crash signals (SIGSEGV, SIGBUS,
 * SIGFPE, SIGILL, SIGTRAP, SIGABRT) raised on the calling thread while the driver runs.
 *  - SIGILL, SIGTRAP, SIGFPE (a trap or fault in the driver's own code: a Swift runtime trap, a
 *    division by zero): the shim returns the signal's number (0 when the driver returned), jumping
 *    over the driver's frames only; the host treats the driver as broken and calls it no more.
 *  - SIGSEGV, SIGBUS, SIGABRT (a bad memory access or an abort, e.g. glibc finding its heap
 *    corrupted): the fault may have come with a lock held or the heap broken, so no more host code
 *    may run. Once spider_guard_prepare_restart was called, the handler writes the marker file set
 *    by spider_guard_set_marker (the signal's number) and re-executes spiderd as it was started;
 *    the new start runs that driver in a process of its own. Without it, the shim returns as above.
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

/* Keeps how the host was started (`path` to exec, argv and the environment as they were at its first
 * moment, all kept for the life of the process) for a restart after a memory fault in a driver. Every
 * descriptor from 3 up is closed before the exec, but fd 3 when `keep_fd3` (a socket systemd passed). */
void spider_guard_prepare_restart(const char *path, char *const *argv, char *const *envp, int keep_fd3);
/* The file the calling thread's driver calls write before a restart (NULL: none); kept, not copied. */
void spider_guard_set_marker(const char *marker);

#endif
