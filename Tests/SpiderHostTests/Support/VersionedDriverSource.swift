// A C driver compiled at test time in several versions: vmspec.list answers one spec named
// "spec-<version>" after `delayMs`, so a test sees which version served a call and can keep a
// call in flight while it upgrades.
enum VersionedDriverSource {
    static let name = "versioned"
    static let provider = "VERSIONED"

    static func driver(version: String, delayMs: Int) -> ThrowawayDriver {
        ThrowawayDriver(name: name, provider: provider, cSource: c(version: version, delayMs: delayMs), version: version,
                        capabilities: ["vmspecHandler": true])
    }

    static func c(version: String, delayMs: Int) -> String {
        #"""
        #define _POSIX_C_SOURCE 200809L
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <time.h>
        #include "spider_driver.h"

        """# + TestDriverC.statelessConnection(prefix: "v") + #"""

        static void v_call(spider_connection *c, const spider_call_context *ctx, const char *op,
                           const char *req, size_t len, spider_result *r)
        {
            (void)c; (void)ctx; (void)req; (void)len;
            if (strcmp(op, "vmspec.list") == 0) {
                struct timespec pause = { \#(delayMs / 1000), \#(delayMs % 1000) * 1000L * 1000L };
                nanosleep(&pause, NULL);
                answer(r, SPIDER_OK, "{\"vmspec\":[{\"Region\":\"r1\",\"Name\":\"spec-\#(version)\","
                       "\"VCpu\":{\"Count\":\"1\"},\"MemSizeMiB\":\"1024\",\"DiskSizeGB\":\"10\"}]}", NULL);
            } else {
                answer(r, SPIDER_UNSUPPORTED, NULL, "the versioned driver only lists specs");
            }
        }

        """# + TestDriverC.tableAndEntry(name: name, prefix: "v", version: version)
    }
}
