/* The wire format is all in include/driver_wire.h; this file makes the module a C target, lets
 * spiderd ask which version its helper must speak, and gives it pipe2 (hidden from Swift's Glibc). */
#define _GNU_SOURCE
#include "driver_wire.h"

#include <fcntl.h>
#include <unistd.h>

int spider_wire_version(void) { return SPIDER_WIRE_VERSION; }

int spider_wire_pipe(int fds[2]) { return pipe2(fds, O_CLOEXEC); }
