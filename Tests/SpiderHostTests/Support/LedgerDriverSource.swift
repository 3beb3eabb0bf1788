// A small C driver compiled at test time whose cloud is a file in its data folder (one line per
// VPC: "<name> <id>"), so it outlives a killed spiderd and its driver process. Its creates and
// deletes can stop at the test's gate, before or after the cloud has changed, by the VPC's name:
//   "hold-before-…"  waits at the gate, then changes the cloud;
//   "hold-after-…"   changes the cloud, then waits at the gate (the answer never leaves if spiderd dies).
enum LedgerDriverSource {
    static let name = "ledger"
    static let provider = "LEDGER"

    static func c(gate: DriverGate) -> String {
        #"""
        #define _GNU_SOURCE
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include "spider_driver.h"
        """# + gate.c() + TestDriverC.statelessConnection(prefix: "l") + #"""

        static char ledger[4096];

        /* The NameId or SystemId value in a request ("IId":{"NameId":"x","SystemId":"y"}). */
        static void field(const char *req, size_t len, const char *key, char *out, size_t n)
        {
            char body[2048], pattern[64];
            size_t m = len < sizeof body - 1 ? len : sizeof body - 1;
            memcpy(body, req, m); body[m] = 0; out[0] = 0;
            snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
            const char *at = strstr(body, pattern);
            if (!at) return;
            at += strlen(pattern);
            size_t i = 0;
            while (at[i] && at[i] != '"' && i < n - 1) { out[i] = at[i]; i++; }
            out[i] = 0;
        }

        static void hold(const char *name, const char *when)
        {
            char prefix[32];
            snprintf(prefix, sizeof prefix, "hold-%s-", when);
            if (strncmp(name, prefix, strlen(prefix)) == 0) pass_gate();
        }

        static void list(spider_result *r)
        {
            char out[8192] = "{\"vpc\":[", line[256], name[128], id[128];
            FILE *f = fopen(ledger, "r");
            int first = 1;
            while (f && fgets(line, sizeof line, f)) {
                if (sscanf(line, "%127s %127s", name, id) != 2) continue;
                char item[400];
                snprintf(item, sizeof item, "%s{\"IId\":{\"NameId\":\"%s\",\"SystemId\":\"%s\"},\"IPv4_CIDR\":\"10.0.0.0/16\",\"SubnetInfoList\":[]}",
                         first ? "" : ",", name, id);
                strncat(out, item, sizeof out - strlen(out) - 3);
                first = 0;
            }
            if (f) fclose(f);
            strcat(out, "]}");
            answer(r, SPIDER_OK, out, NULL);
        }

        /* Rewrites the ledger without `id` (a delete). */
        static void drop(const char *id)
        {
            char tmp[4200], line[256], name[128], other[128];
            snprintf(tmp, sizeof tmp, "%s.tmp", ledger);
            FILE *in = fopen(ledger, "r"), *out = fopen(tmp, "w");
            while (in && out && fgets(line, sizeof line, in))
                if (sscanf(line, "%127s %127s", name, other) == 2 && strcmp(other, id) != 0) fputs(line, out);
            if (in) fclose(in);
            if (out) fclose(out);
            rename(tmp, ledger);
        }

        static void l_call(spider_connection *c, const spider_call_context *ctx, const char *op,
                           const char *req, size_t len, spider_result *r)
        {
            (void)c; (void)ctx;
            char name[128], id[128], json[400];
            field(req, len, "NameId", name, sizeof name);
            field(req, len, "SystemId", id, sizeof id);
            if (strcmp(op, "vpc.list") == 0) {
                list(r);
            } else if (strcmp(op, "vpc.get") == 0) {
                char line[256], found[128], other[128];
                FILE *f = fopen(ledger, "r");
                int seen = 0;
                while (f && !seen && fgets(line, sizeof line, f))
                    seen = sscanf(line, "%127s %127s", found, other) == 2 && strcmp(other, id) == 0;
                if (f) fclose(f);
                if (!seen) { answer(r, SPIDER_NOT_FOUND, NULL, "no such VPC in the ledger"); return; }
                snprintf(json, sizeof json, "{\"IId\":{\"NameId\":\"%s\",\"SystemId\":\"%s\"},\"IPv4_CIDR\":\"10.0.0.0/16\",\"SubnetInfoList\":[]}", found, id);
                answer(r, SPIDER_OK, json, NULL);
            } else if (strcmp(op, "vpc.create") == 0) {
                hold(name, "before");
                snprintf(id, sizeof id, "vpc-ledger-%s", name);
                FILE *f = fopen(ledger, "a");
                if (f) { fprintf(f, "%s %s\n", name, id); fclose(f); }
                hold(name, "after");
                snprintf(json, sizeof json, "{\"IId\":{\"NameId\":\"%s\",\"SystemId\":\"%s\"},\"IPv4_CIDR\":\"10.0.0.0/16\",\"SubnetInfoList\":[]}", name, id);
                answer(r, SPIDER_OK, json, NULL);
            } else if (strcmp(op, "vpc.delete") == 0) {
                hold(name, "before");
                drop(id);
                hold(name, "after");
                answer(r, SPIDER_OK, "{\"Result\":true}", NULL);
            } else {
                answer(r, SPIDER_UNSUPPORTED, NULL, "the ledger knows VPCs only");
            }
        }

        """# + TestDriverC.tableAndEntry(name: name, prefix: "l").replacingOccurrences(
            of: "(void)host;", with: "snprintf(ledger, sizeof ledger, \"%s/ledger.txt\", host->data_dir);")
    }
}
