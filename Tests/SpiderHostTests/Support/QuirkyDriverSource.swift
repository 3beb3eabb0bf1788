// A small C driver compiled at test time that misbehaves in ways the host must survive:
// answers that are not JSON, answers missing their list, and a create that ignores its
// deadline (it waits at the test's gate, and creates once the test opens it, never asking
// is_cancelled).
enum QuirkyDriverSource {
    static let name = "quirky"
    static let provider = "QUIRKY"

    static func c(gate: DriverGate?) -> String { #"""
        #define _POSIX_C_SOURCE 200809L
        #include <pthread.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <time.h>
        #include "spider_driver.h"
        """# + (gate?.c() ?? DriverGate.none) + #"""

        struct spider_connection {
            pthread_mutex_t lock;
            int has_vpc;
            char name[128];
        };

        static void answer(spider_result *r, spider_status status, const char *json, const char *message)
        {
            r->status = status;
            if (json) { r->json = strdup(json); r->json_len = strlen(json); }
            if (message) { r->message = strdup(message); r->message_len = strlen(message); }
        }

        static void q_connect(void *d, const spider_connection_info *info, spider_connection **out, spider_result *r)
        {
            (void)d; (void)info;
            spider_connection *c = calloc(1, sizeof *c);
            pthread_mutex_init(&c->lock, NULL);
            *out = c;
            answer(r, SPIDER_OK, "{}", NULL);
        }

        static void q_disconnect(spider_connection *c) { pthread_mutex_destroy(&c->lock); free(c); }

        static void vpc_json(char *buf, size_t n, const char *name)
        {
            snprintf(buf, n, "{\"IId\":{\"NameId\":\"%s\",\"SystemId\":\"quirky-vpc-1\"},"
                             "\"IPv4_CIDR\":\"10.0.0.0/16\",\"SubnetInfoList\":[]}", name);
        }

        static void q_call(spider_connection *c, const spider_call_context *ctx, const char *op,
                           const char *req, size_t len, spider_result *r)
        {
            (void)ctx;
            char buf[512], body[1024];
            size_t n = len < sizeof body - 1 ? len : sizeof body - 1;
            memcpy(body, req, n);
            body[n] = 0;
            if (strcmp(op, "regionzone.list") == 0) {
                answer(r, SPIDER_OK, "{\"regionzone\": [ {\"Name\": ", NULL);
            } else if (strcmp(op, "vmspec.list") == 0) {
                answer(r, SPIDER_OK, "{\"specs\": []}", NULL);
            } else if (strcmp(op, "vpc.create") == 0) {
                pass_gate();                         /* ignores the deadline on purpose */
                const char *at = strstr(body, "\"NameId\":\"");
                pthread_mutex_lock(&c->lock);
                if (at) {
                    at += strlen("\"NameId\":\"");
                    size_t i = 0;
                    while (at[i] && at[i] != '"' && i < sizeof c->name - 1) { c->name[i] = at[i]; i++; }
                    c->name[i] = 0;
                }
                c->has_vpc = 1;
                vpc_json(buf, sizeof buf, c->name);
                pthread_mutex_unlock(&c->lock);
                answer(r, SPIDER_OK, buf, NULL);
            } else if (strcmp(op, "vpc.get") == 0 || strcmp(op, "vpc.list") == 0) {
                pthread_mutex_lock(&c->lock);
                int has = c->has_vpc;
                vpc_json(buf, sizeof buf, c->name);
                pthread_mutex_unlock(&c->lock);
                if (strcmp(op, "vpc.get") == 0) {
                    if (has) answer(r, SPIDER_OK, buf, NULL);
                    else answer(r, SPIDER_NOT_FOUND, NULL, "no such VPC");
                } else {
                    char list[600];
                    snprintf(list, sizeof list, "{\"vpc\":[%s]}", has ? buf : "");
                    answer(r, SPIDER_OK, list, NULL);
                }
            } else {
                answer(r, SPIDER_UNSUPPORTED, NULL, "quirky does not do that");
            }
        }

        """# + TestDriverC.tableAndEntry(name: "quirky", prefix: "q")
    }
}
