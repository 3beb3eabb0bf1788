// A small C driver compiled at test time that numbers its catalogue fetches, so a test can tell
// a cached answer from a fresh one: the n-th vmspec.list answers one spec named "spec-<n>"
// (after passing its gate: a test holds a fetch in flight while others join it), vmspec.get never
// finds anything (a get answered with 200 came from the host's cache), and the first
// vmspec.org.list fails.
enum CountingDriverSource {
    static let name = "counting"
    static let provider = "COUNTING"

    static func c(gate: DriverGate? = nil) -> String { #"""
        #define _POSIX_C_SOURCE 200809L
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <time.h>
        #include "spider_driver.h"

        """# + (gate?.c() ?? DriverGate.none) + TestDriverC.statelessConnection(prefix: "c") + #"""
        /* Counted across connections: a config deleted and made again keeps counting. */
        static int list_calls, org_calls;

        static void c_call(spider_connection *c, const spider_call_context *ctx, const char *op,
                           const char *req, size_t len, spider_result *r)
        {
            (void)c; (void)ctx; (void)req; (void)len;
            char buf[512];
            if (strcmp(op, "vmspec.list") == 0) {
                int n = __atomic_add_fetch(&list_calls, 1, __ATOMIC_SEQ_CST);
                pass_gate();
                snprintf(buf, sizeof buf, "{\"vmspec\":[{\"Region\":\"r1\",\"Name\":\"spec-%d\","
                         "\"VCpu\":{\"Count\":\"1\"},\"MemSizeMiB\":\"1024\",\"DiskSizeGB\":\"10\"}]}", n);
                answer(r, SPIDER_OK, buf, NULL);
            } else if (strcmp(op, "vmspec.get") == 0) {
                answer(r, SPIDER_NOT_FOUND, NULL, "the counting driver finds no spec by name");
            } else if (strcmp(op, "vmspec.org.list") == 0) {
                int n = __atomic_add_fetch(&org_calls, 1, __ATOMIC_SEQ_CST);
                if (n == 1) { answer(r, SPIDER_INTERNAL, NULL, "the first raw spec fetch fails"); return; }
                snprintf(buf, sizeof buf, "{\"VMSpecInfo\":{\"Call\":%d}}", n);
                answer(r, SPIDER_OK, buf, NULL);
            } else {
                answer(r, SPIDER_UNSUPPORTED, NULL, "the counting driver does not do that");
            }
        }

        """# + TestDriverC.tableAndEntry(name: "counting", prefix: "c")
    }
}
