/* Freezes the layout of ABI version 1: if a field moves, this file stops compiling.
   Tables may only grow at the end (see spider_driver.h). Assumes an LP64 platform. */
#include "spider_driver.h"

_Static_assert(offsetof(spider_host_services, host_data) == 8, "host_data moved");
_Static_assert(offsetof(spider_host_services, data_dir) == 48, "data_dir moved");
_Static_assert(sizeof(spider_host_services) == 56, "host services v1 size");
_Static_assert(offsetof(spider_connection_info, credentials) == 16, "credentials moved");
_Static_assert(sizeof(spider_connection_info) == 48, "connection info v1 size");
_Static_assert(offsetof(spider_result, json) == 16, "json moved");
_Static_assert(sizeof(spider_result) == 64, "result v1 size");
_Static_assert(offsetof(spider_driver_table, connect) == 32, "connect moved");
_Static_assert(offsetof(spider_driver_table, try_call) == 64, "try_call moved");
_Static_assert(sizeof(spider_driver_table) == 72, "driver table v1 size");
