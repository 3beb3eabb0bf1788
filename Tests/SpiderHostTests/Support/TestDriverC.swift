// The part every throwaway C driver of the tests shares: `release`, the driver table and the
// entry symbol with version negotiation. A driver source defines `<prefix>_connect`,
// `<prefix>_disconnect` and `<prefix>_call` (or takes `statelessConnection` for the first two),
// then appends this.
enum TestDriverC {
    /// `answer()` filling a result, and connect/disconnect of a connection that holds nothing
    /// (after the includes: stdlib.h, string.h, spider_driver.h).
    static func statelessConnection(prefix p: String) -> String {
        """

        struct spider_connection { int unused; };

        static void answer(spider_result *r, spider_status status, const char *json, const char *message)
        {
            r->status = status;
            if (json) { r->json = strdup(json); r->json_len = strlen(json); }
            if (message) { r->message = strdup(message); r->message_len = strlen(message); }
        }

        static void \(p)_connect(void *d, const spider_connection_info *info, spider_connection **out, spider_result *r)
        {
            (void)d; (void)info;
            *out = calloc(1, sizeof **out);
            answer(r, SPIDER_OK, "{}", NULL);
        }

        static void \(p)_disconnect(spider_connection *c) { free(c); }

        """
    }

    /// With `tryCall`, the source defines `<prefix>_try_call` and the table offers it.
    static func tableAndEntry(name: String, prefix p: String, version: String = "1.0.0", tryCall: Bool = false) -> String {
        """

        static void \(p)_release(void *d, spider_result *r)
        {
            (void)d;
            free(r->json); free(r->message); free(r->cloud_error);
            r->json = r->message = r->cloud_error = NULL;
        }

        static const spider_driver_table table = {
            .struct_size = sizeof(spider_driver_table), .abi_version = 1,
            .name = "\(name)", .version = "\(version)", .driver_data = NULL,
            .connect = \(p)_connect, .disconnect = \(p)_disconnect, .call = \(p)_call, .release = \(p)_release,\(tryCall ? "\n    .try_call = \(p)_try_call," : "")
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

        """
    }
}
