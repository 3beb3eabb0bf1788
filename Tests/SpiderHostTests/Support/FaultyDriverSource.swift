// A small C driver compiled at test time that goes wrong in the ways that take a host down when a
// driver shares its process: each listing operation is one fault (below); vpc.list answers
// normally, a credential `Hang` = `connect` makes connect block for good, and its try_call blocks
// for good on vm.list (which the ABI forbids: the reading thread of its process stops with it).
import Testing
enum FaultyDriverSource {
    static let name = "faulty"
    static let provider = "FAULTY"
    static let capabilities = ["regionZoneHandler": true, "imageHandler": true, "vmspecHandler": true, "vpchandler": true,
                               "keyPairHandler": true, "diskHandler": true, "myImageHandler": true, "nlbhandler": true,
                               "clusterHandler": true, "vmhandler": true]

    /// The route that runs each fault, its operation, and what the fault is.
    enum Fault: String, CaseIterable, CustomTestStringConvertible {
        case abort = "keypair"           // keypair.list: abort()
        case doubleFreeSmall = "disk"    // disk.list: frees a 3,000-byte block twice
        case doubleFreeLarge = "myimage" // myimage.list: frees a 1 MiB block twice
        case threadCrash = "cluster"     // cluster.list: a thread the driver started dereferences NULL
        case exit = "vmspec"             // vmspec.list: exit(1)
        case leak = "vmimage"            // image.list: allocates 64 MiB blocks until none is left
        case hang = "regionzone"         // regionzone.list: never returns, never asks is_cancelled
        case overrun = "nlb"             // nlb.list: writes past a heap block, then answers as if nothing happened

        var route: String { "/spider/\(rawValue)" }
        var operation: String {
            switch self {
            case .abort: "keypair.list"
            case .doubleFreeSmall: "disk.list"
            case .doubleFreeLarge: "myimage.list"
            case .threadCrash: "cluster.list"
            case .exit: "vmspec.list"
            case .leak: "image.list"
            case .hang: "regionzone.list"
            case .overrun: "nlb.list"
            }
        }
        var testDescription: String { operation }
    }

    static let c = #"""
        #define _GNU_SOURCE
        #include <pthread.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <unistd.h>
        #include "spider_driver.h"

        struct spider_connection { int unused; };

        static void answer(spider_result *r, spider_status status, const char *json, const char *message)
        {
            r->status = status;
            if (json) { r->json = strdup(json); r->json_len = strlen(json); }
            if (message) { r->message = strdup(message); r->message_len = strlen(message); }
        }

        static void f_connect(void *d, const spider_connection_info *info, spider_connection **out, spider_result *r)
        {
            (void)d;
            for (size_t i = 0; i < info->credential_count; i++)
                if (strcmp(info->credentials[i].key, "Hang") == 0 && strcmp(info->credentials[i].value, "connect") == 0)
                    for (;;) pause();
            *out = calloc(1, sizeof **out);
            answer(r, SPIDER_OK, "{}", NULL);
        }

        static void f_disconnect(spider_connection *c) { free(c); }

        static void *crash_on_own_thread(void *unused)
        {
            (void)unused;
            volatile int *nowhere = NULL;
            *nowhere = 1;
            return NULL;
        }

        /* volatile pointers: the compiler must do exactly these frees and writes. */
        static void free_twice(size_t size)
        {
            char *volatile block = malloc(size);
            memset(block, 1, size);
            free(block);
            free(block);
        }

        static void f_call(spider_connection *c, const spider_call_context *ctx, const char *op,
                           const char *req, size_t len, spider_result *r)
        {
            (void)c; (void)ctx; (void)req; (void)len;
            if (strcmp(op, "vpc.list") == 0) {
                answer(r, SPIDER_OK, "{\"vpc\":[]}", NULL);
            } else if (strcmp(op, "keypair.list") == 0) {
                abort();
            } else if (strcmp(op, "disk.list") == 0) {
                free_twice(3000);
                answer(r, SPIDER_OK, "{\"disk\":[]}", NULL);
            } else if (strcmp(op, "myimage.list") == 0) {
                free_twice(1 << 20);
                answer(r, SPIDER_OK, "{\"myImage\":[]}", NULL);
            } else if (strcmp(op, "cluster.list") == 0) {
                pthread_t thread;
                pthread_create(&thread, NULL, crash_on_own_thread, NULL);
                pthread_join(thread, NULL);
                answer(r, SPIDER_OK, "{\"cluster\":[]}", NULL);
            } else if (strcmp(op, "vmspec.list") == 0) {
                exit(1);
            } else if (strcmp(op, "image.list") == 0) {
                size_t mib = 0;
                for (;;) {
                    char *block = malloc((size_t)64 << 20);
                    if (!block) break;
                    memset(block, 7, (size_t)64 << 20);   /* touched: resident, not just reserved */
                    mib += 64;
                }
                char message[128];
                snprintf(message, sizeof message, "out of memory after %zu MiB", mib);
                answer(r, SPIDER_INTERNAL, NULL, message);
            } else if (strcmp(op, "regionzone.list") == 0) {
                for (;;) pause();
            } else if (strcmp(op, "nlb.list") == 0) {
                char *volatile block = malloc(24);
                memset(block, 0x5a, 512);   /* past its end, over whatever the allocator keeps there */
                answer(r, SPIDER_OK, "{\"nlb\":[]}", NULL);
            } else {
                answer(r, SPIDER_UNSUPPORTED, NULL, "faulty does not do that");
            }
        }

        /* Declines every read but vm.list, on which it blocks: a try_call must never do that. */
        static int32_t f_try_call(spider_connection *c, const char *op, const char *req, size_t len, spider_result *r)
        {
            (void)c; (void)req; (void)len; (void)r;
            if (strcmp(op, "vm.list") == 0) for (;;) pause();
            return 0;
        }

        """# + TestDriverC.tableAndEntry(name: name, prefix: "f", tryCall: true)
}
