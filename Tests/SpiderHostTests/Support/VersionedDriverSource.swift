// A C driver compiled at test time in several versions: vmspec.list answers one spec named
// "spec-<version>" (after passing its gate, when built with one), so a test sees which version
// served a call and can keep a call in flight while it upgrades. `build` tells two builds of one
// version apart.
enum VersionedDriverSource {
    static let name = "versioned"
    static let provider = "VERSIONED"

    static func driver(version: String, gate: DriverGate? = nil, build: Int = 1) -> ThrowawayDriver {
        ThrowawayDriver(name: name, provider: provider, cSource: c(version: version, gate: gate, build: build), version: version,
                        capabilities: ["vmspecHandler": true])
    }

    static func c(version: String, gate: DriverGate? = nil, build: Int = 1) -> String {
        #"""
        #define _POSIX_C_SOURCE 200809L
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <time.h>
        #include "spider_driver.h"
        static const char build_tag[] __attribute__((used)) = "build \#(build)";  /* two builds differ */

        """# + (gate?.c() ?? DriverGate.none) + TestDriverC.statelessConnection(prefix: "v") + #"""

        static void v_call(spider_connection *c, const spider_call_context *ctx, const char *op,
                           const char *req, size_t len, spider_result *r)
        {
            (void)c; (void)ctx; (void)req; (void)len;
            if (strcmp(op, "vmspec.list") == 0) {
                pass_gate();
                answer(r, SPIDER_OK, "{\"vmspec\":[{\"Region\":\"r1\",\"Name\":\"spec-\#(version)\","
                       "\"VCpu\":{\"Count\":\"1\"},\"MemSizeMiB\":\"1024\",\"DiskSizeGB\":\"10\"}]}", NULL);
            } else {
                answer(r, SPIDER_UNSUPPORTED, NULL, "the versioned driver only lists specs");
            }
        }

        """# + TestDriverC.tableAndEntry(name: name, prefix: "v", version: version)
    }
}
