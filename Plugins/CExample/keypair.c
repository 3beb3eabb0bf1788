/*
 * keypair.c — key pairs, kept in memory per connection (keypair.*).
 *
 * The keys are FAKE. So that the example needs no crypto library, a key pair's "keys" are
 * made from a hash of its name and number, shaped like an OpenSSH public key and a PEM private
 * key, and labelled as fake in the text itself ("CEXAMPLE FAKE PRIVATE KEY", and the decoded
 * bytes begin "CEXAMPLE FAKE KEY - NOT FOR USE"). They open nothing. A real driver either asks
 * its cloud to make the pair or generates one with a crypto library (OpenSSL's EVP_PKEY_keygen),
 * and never keeps the private key: like here, it is returned once, by keypair.create.
 */
#define _POSIX_C_SOURCE 200809L   /* strdup */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cexample.h"

/* The user a key pair logs in as, on this cloud's images. */
#define KEYPAIR_USER "cb-user"

/* ======================================================================================
 * 2. Connection state: key pairs
 * ==================================================================================== */

void free_keypair(keypair *k)
{
    free(k->name_id);
    free(k->public_key);
    free_tags(&k->tags);
}

keypair *find_keypair(spider_connection *c, const char *system_id)
{
    for (size_t i = 0; i < c->keypair_count; i++)
        if (strcmp(c->keypairs[i].system_id, system_id) == 0)
            return &c->keypairs[i];
    return NULL;
}

static keypair *find_keypair_by_name(spider_connection *c, const char *name_id)
{
    for (size_t i = 0; i < c->keypair_count; i++)
        if (strcmp(c->keypairs[i].name_id, name_id) == 0)
            return &c->keypairs[i];
    return NULL;
}

/* ---- the fake keys ---- */

#define FAKE_LABEL "CEXAMPLE FAKE KEY - NOT FOR USE "   /* 32 bytes, the start of every key */
#define FAKE_RANDOM_BYTES 64

/* FNV-1a, 64 bits: a hash, not a secure one. Good enough to tell fake keys apart. */
static uint64_t fnv1a(uint64_t hash, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        hash ^= *p;
        hash *= 0x100000001b3u;
    }
    return hash;
}

/* Standard base64 with padding; `out` needs 4 * ((len + 2) / 3) + 1 bytes. */
static void base64(const unsigned char *in, size_t len, char *out)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;

    for (size_t i = 0; i < len; i += 3) {
        uint32_t chunk = (uint32_t)in[i] << 16;
        if (i + 1 < len)
            chunk |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < len)
            chunk |= in[i + 2];
        out[o++] = alphabet[chunk >> 18 & 63];
        out[o++] = alphabet[chunk >> 12 & 63];
        out[o++] = i + 1 < len ? alphabet[chunk >> 6 & 63] : '=';
        out[o++] = i + 2 < len ? alphabet[chunk & 63] : '=';
    }
    out[o] = '\0';
}

/* Fills `k`'s public key and fingerprint and returns the private key (malloc'ed; the caller
   frees it), or NULL when out of memory. `seed` makes each pair different. */
static char *make_fake_keys(keypair *k, uint64_t seed)
{
    unsigned char bytes[sizeof FAKE_LABEL - 1 + FAKE_RANDOM_BYTES];
    char encoded[4 * ((sizeof bytes + 2) / 3) + 1];
    const char *begin = "-----BEGIN CEXAMPLE FAKE PRIVATE KEY-----\n";
    const char *end = "-----END CEXAMPLE FAKE PRIVATE KEY-----\n";
    size_t encoded_len, n = 0;
    uint64_t x = seed ? seed : 1;
    char *private_key;

    memcpy(bytes, FAKE_LABEL, sizeof FAKE_LABEL - 1);
    for (size_t i = sizeof FAKE_LABEL - 1; i < sizeof bytes; i++) {
        x ^= x << 13;                   /* xorshift64: the "key material" */
        x ^= x >> 7;
        x ^= x << 17;
        bytes[i] = (unsigned char)(x >> 24);
    }
    snprintf(k->fingerprint, sizeof k->fingerprint, "cexample-fake:%016llx", (unsigned long long)seed);

    /* The public half: the label and the second half of the bytes. */
    base64(bytes + sizeof bytes / 2, sizeof bytes / 2, encoded);
    k->public_key = malloc(strlen("ssh-fake-cexample ") + strlen(encoded) + strlen(" fake-key@cexample") + 1);
    if (k->public_key == NULL)
        return NULL;
    sprintf(k->public_key, "ssh-fake-cexample %s fake-key@cexample", encoded);

    /* The private half: every byte, in PEM-shaped lines of 64 characters. */
    base64(bytes, sizeof bytes, encoded);
    encoded_len = strlen(encoded);
    private_key = malloc(strlen(begin) + encoded_len + encoded_len / 64 + 1 + strlen(end) + 1);
    if (private_key == NULL)
        return NULL;
    n += (size_t)sprintf(private_key + n, "%s", begin);
    for (size_t i = 0; i < encoded_len; i += 64)
        n += (size_t)sprintf(private_key + n, "%.64s\n", encoded + i);
    sprintf(private_key + n, "%s", end);
    return private_key;
}

/* ======================================================================================
 * 5. JSON output
 * ==================================================================================== */

/* KeyPairInfo. `private_key` is NULL except in the answer to keypair.create. */
static void write_keypair(json_buf *out, const keypair *k, const char *private_key)
{
    json_begin_object(out);
    write_iid(out, "IId", k->name_id, k->system_id);
    json_member_string(out, "Fingerprint", k->fingerprint);
    json_member_string(out, "PublicKey", k->public_key);
    if (private_key != NULL)
        json_member_string(out, "PrivateKey", private_key);
    json_member_string(out, "VMUserID", KEYPAIR_USER);
    write_tags(out, &k->tags);
    json_end_object(out);
}

/* ======================================================================================
 * 6. Operations
 * ==================================================================================== */

void op_keypair_create(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;
    const char *name;
    char *private_key = NULL;
    keypair k, *grown;
    int added = 0;

    memset(&k, 0, sizeof k);
    if (!get_name_id(result, request, "IId", &name) || !get_tags(result, request, "", &k.tags))
        return;

    pthread_mutex_lock(&c->lock);
    if (find_keypair_by_name(c, name) != NULL) {
        fail(result, SPIDER_ALREADY_EXISTS, "a key pair named '%s' already exists", name);
        goto done;
    }
    if ((grown = grow_array(c->keypairs, &c->keypair_capacity, c->keypair_count, sizeof *grown)) == NULL) {
        fail_out_of_memory(result);
        goto done;
    }
    c->keypairs = grown;
    snprintf(k.system_id, sizeof k.system_id, "exkey-%04u", c->next_keypair_number + 1);
    if ((k.name_id = strdup(name)) == NULL
        || (private_key = make_fake_keys(&k, fnv1a(fnv1a(0xcbf29ce484222325u, k.system_id), name))) == NULL) {
        fail_out_of_memory(result);
        goto done;
    }
    /* The request is valid and every allocation succeeded: the number is taken. */
    c->next_keypair_number++;
    c->keypairs[c->keypair_count++] = k;
    added = 1;
    write_keypair(&out, &k, private_key);
    log_line(c->driver, SPIDER_LOG_INFO, "%s: created key pair %s", c->name, k.system_id);
done:
    pthread_mutex_unlock(&c->lock);
    free(private_key);                  /* never kept: this answer is the only copy */
    if (added)
        succeed(result, &out);
    else
        free_keypair(&k);
}

void op_keypair_list(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;

    (void)request;
    pthread_mutex_lock(&c->lock);
    json_begin_object(&out);
    json_key(&out, "keypair");
    json_begin_array(&out);
    for (size_t i = 0; i < c->keypair_count; i++)
        write_keypair(&out, &c->keypairs[i], NULL);
    json_end_array(&out);
    json_end_object(&out);
    pthread_mutex_unlock(&c->lock);
    succeed(result, &out);
}

void op_keypair_get(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;
    const char *system_id;
    const keypair *k;

    if (!get_system_id(result, request, "IId", &system_id))
        return;
    pthread_mutex_lock(&c->lock);
    if ((k = find_keypair(c, system_id)) != NULL)
        write_keypair(&out, k, NULL);
    pthread_mutex_unlock(&c->lock);
    if (k != NULL)
        succeed(result, &out);
    else
        fail(result, SPIDER_NOT_FOUND, "key pair '%s' does not exist", system_id);
}

void op_keypair_delete(spider_connection *c, const json_value *request, spider_result *result)
{
    json_buf out = JSON_BUF_INIT;
    const char *system_id;
    const vm *user;
    keypair *k;
    int deleted = 0;

    if (!get_system_id(result, request, "IId", &system_id))
        return;
    pthread_mutex_lock(&c->lock);
    if ((k = find_keypair(c, system_id)) == NULL)
        fail(result, SPIDER_NOT_FOUND, "key pair '%s' does not exist", system_id);
    else if ((user = vm_using_keypair(c, system_id)) != NULL)
        fail(result, SPIDER_CONFLICT, "key pair '%s' is in use by VM '%s' (%s); terminate it first",
             system_id, user->name_id, user->system_id);
    else {
        size_t index = (size_t)(k - c->keypairs);
        free_keypair(k);
        memmove(k, k + 1, (c->keypair_count - index - 1) * sizeof *k);
        c->keypair_count--;
        deleted = 1;
        log_line(c->driver, SPIDER_LOG_INFO, "%s: deleted key pair %s", c->name, system_id);
    }
    pthread_mutex_unlock(&c->lock);
    if (deleted) {
        write_empty_object(&out);
        succeed(result, &out);
    }
}
