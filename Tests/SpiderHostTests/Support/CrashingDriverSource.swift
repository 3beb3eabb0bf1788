// A small C driver compiled at test time that crashes on purpose: keypair.list dereferences NULL
// (SIGSEGV), sg.list calls abort() (SIGABRT), vm.list recurses until its stack overflows (SIGSEGV
// on the guard page), and vpc.list answers normally. With CRASH_AT_START defined, its entry
// function crashes instead, while the host loads it.
enum CrashingDriverSource {
    static let name = "crashy"
    static let provider = "CRASHY"
    static let capabilities = ["regionZoneHandler": true, "vpchandler": true, "keyPairHandler": true, "securityHandler": true,
                               "vmhandler": true]

    static func c(crashAtStart: Bool = false) -> String {
        (crashAtStart ? "#define CRASH_AT_START 1\n" : "") + #"""
        #include <signal.h>
        #include <stdlib.h>
        #include <string.h>
        #include "spider_driver.h"

        """# + TestDriverC.statelessConnection(prefix: "c") + #"""

        /* Deep on purpose: each frame keeps a page of stack the compiler cannot drop. */
        static int recurse(volatile int depth)
        {
            volatile char page[4096];
            page[depth % 4096] = (char)depth;
            return recurse(depth + 1) + page[(depth + 1) % 4096];
        }

        static void c_call(spider_connection *c, const spider_call_context *ctx, const char *op,
                           const char *req, size_t len, spider_result *r)
        {
            (void)c; (void)ctx; (void)req; (void)len;
            if (strcmp(op, "vpc.list") == 0) {
                answer(r, SPIDER_OK, "{\"vpc\":[]}", NULL);
            } else if (strcmp(op, "keypair.list") == 0) {
                volatile int *nowhere = NULL;
                *nowhere = 1;
            } else if (strcmp(op, "sg.list") == 0) {
                abort();
            } else if (strcmp(op, "vm.list") == 0) {
                answer(r, SPIDER_OK, recurse(0) ? "{\"vm\":[]}" : "{}", NULL);
            } else {
                answer(r, SPIDER_UNSUPPORTED, NULL, "crashy does not do that");
            }
        }

        #ifdef CRASH_AT_START
        #define spider_driver_entry spider_driver_entry_real
        #endif
        """# + TestDriverC.tableAndEntry(name: name, prefix: "c") + #"""
        #ifdef CRASH_AT_START
        #undef spider_driver_entry
        __attribute__((visibility("default")))
        spider_status spider_driver_entry(const spider_host_services *host, uint32_t lo, uint32_t hi,
                                          uint32_t *out_version, const spider_driver_table **out_table)
        {
            volatile int *nowhere = NULL;
            *nowhere = (int)lo;
            return spider_driver_entry_real(host, lo, hi, out_version, out_table);
        }
        #endif
        """#
    }
}
