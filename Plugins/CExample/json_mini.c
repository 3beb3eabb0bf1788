/*
 * json_mini.c — see json_mini.h. A recursive-descent reader over a bounded byte range and an
 * append-only writer. Every read goes through `reader.pos < reader.end`, so no input byte
 * past `len` is ever touched.
 */
#include "json_mini.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ======================================================================================
 * Reader
 * ==================================================================================== */

typedef struct {
    const unsigned char *start;
    const unsigned char *pos;
    const unsigned char *end;
    const char *error;      /* the first error wins */
    unsigned depth;
} reader;

static int fail(reader *r, const char *message)
{
    if (r->error == NULL)
        r->error = message;
    return 0;
}

/* The next byte, or -1 at the end of the input. */
static int peek(const reader *r)
{
    return r->pos < r->end ? *r->pos : -1;
}

static void skip_space(reader *r)
{
    while (r->pos < r->end && (*r->pos == ' ' || *r->pos == '\t' || *r->pos == '\n' || *r->pos == '\r'))
        r->pos++;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static void clear_value(json_value *v)
{
    free(v->key);
    free(v->text);
    for (size_t i = 0; i < v->count; i++)
        clear_value(&v->items[i]);
    free(v->items);
    memset(v, 0, sizeof *v);
}

/* Length of the valid UTF-8 sequence at `s` (at most `avail` bytes), or 0 if it is invalid
   (overlong forms, surrogates and code points above U+10FFFF included). */
static size_t utf8_sequence(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t n;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;       /* overlong */
        if (c == 0xED) hi = 0x9F;       /* UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;       /* overlong */
        if (c == 0xF4) hi = 0x8F;       /* above U+10FFFF */
    } else
        return 0;
    if (avail < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* Writes code point `cp` as UTF-8 at `out`; returns the number of bytes (1..4). */
static size_t utf8_encode(uint32_t cp, unsigned char *out)
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Reads the four hex digits of a \u escape (r->pos is just past the 'u'). */
static int read_hex4(reader *r, uint32_t *out)
{
    uint32_t v = 0;

    if (r->end - r->pos < 4)
        return fail(r, "truncated \\u escape");
    for (int i = 0; i < 4; i++) {
        int c = *r->pos++;
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (uint32_t)(c - 'A' + 10);
        else return fail(r, "bad hex digit in \\u escape");
    }
    *out = v;
    return 1;
}

/* Reads a string (r->pos is on the opening quote) into a new NUL-terminated buffer. */
static int parse_string(reader *r, char **out)
{
    const unsigned char *scan = ++r->pos;
    unsigned char *buf, *w;

    /* First find the closing quote: the decoded text is never longer than the raw text. */
    while (scan < r->end && *scan != '"')
        scan += (*scan == '\\' && r->end - scan >= 2) ? 2 : 1;   /* skip escaped chars */
    if (scan >= r->end)
        return fail(r, "unterminated string");
    buf = w = malloc((size_t)(scan - r->pos) + 1);
    if (buf == NULL)
        return fail(r, "out of memory");

    while (*r->pos != '"') {            /* safe: a quote lies before r->end */
        unsigned char c = *r->pos;
        if (c < 0x20) {
            free(buf);
            return fail(r, "control character in string");
        }
        if (c != '\\') {
            size_t n = utf8_sequence(r->pos, (size_t)(r->end - r->pos));
            if (n == 0) {
                free(buf);
                return fail(r, "invalid UTF-8 in string");
            }
            memcpy(w, r->pos, n);
            w += n;
            r->pos += n;
            continue;
        }
        r->pos++;                       /* the backslash; the scan above saw its partner */
        switch (*r->pos++) {
        case '"':  *w++ = '"';  break;
        case '\\': *w++ = '\\'; break;
        case '/':  *w++ = '/';  break;
        case 'b':  *w++ = '\b'; break;
        case 'f':  *w++ = '\f'; break;
        case 'n':  *w++ = '\n'; break;
        case 'r':  *w++ = '\r'; break;
        case 't':  *w++ = '\t'; break;
        case 'u': {
            uint32_t cp, low;
            if (!read_hex4(r, &cp))
                break;
            if (cp >= 0xDC00 && cp <= 0xDFFF) {
                fail(r, "lone low surrogate in \\u escape");
                break;
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) { /* a high surrogate needs its low half */
                if (r->end - r->pos < 2 || r->pos[0] != '\\' || r->pos[1] != 'u') {
                    fail(r, "lone high surrogate in \\u escape");
                    break;
                }
                r->pos += 2;
                if (!read_hex4(r, &low))
                    break;
                if (low < 0xDC00 || low > 0xDFFF) {
                    fail(r, "bad surrogate pair in \\u escape");
                    break;
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            }
            if (cp == 0) {
                fail(r, "\\u0000 is not supported");
                break;
            }
            w += utf8_encode(cp, w);
            break;
        }
        default:
            fail(r, "unknown escape in string");
        }
        if (r->error != NULL) {
            free(buf);
            return 0;
        }
    }
    r->pos++;                           /* the closing quote */
    *w = '\0';
    *out = (char *)buf;
    return 1;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?  — kept as text in `out->text`. */
static int parse_number(reader *r, json_value *out)
{
    const unsigned char *begin = r->pos;
    size_t n;

    if (peek(r) == '-')
        r->pos++;
    if (peek(r) == '0')
        r->pos++;
    else if (is_digit(peek(r)))
        while (is_digit(peek(r)))
            r->pos++;
    else
        return fail(r, "bad number");
    if (peek(r) == '.') {
        r->pos++;
        if (!is_digit(peek(r)))
            return fail(r, "bad number: digits must follow '.'");
        while (is_digit(peek(r)))
            r->pos++;
    }
    if (peek(r) == 'e' || peek(r) == 'E') {
        r->pos++;
        if (peek(r) == '+' || peek(r) == '-')
            r->pos++;
        if (!is_digit(peek(r)))
            return fail(r, "bad number: digits must follow the exponent");
        while (is_digit(peek(r)))
            r->pos++;
    }
    n = (size_t)(r->pos - begin);
    out->type = JSON_NUMBER;
    out->text = malloc(n + 1);
    if (out->text == NULL)
        return fail(r, "out of memory");
    memcpy(out->text, begin, n);
    out->text[n] = '\0';
    return 1;
}

static int parse_literal(reader *r, const char *word, json_type type, json_value *out)
{
    size_t n = strlen(word);

    if ((size_t)(r->end - r->pos) < n || memcmp(r->pos, word, n) != 0)
        return fail(r, "unexpected character");
    r->pos += n;
    out->type = type;
    return 1;
}

static int parse_value(reader *r, json_value *out);

/* Adds `item` to `container`, taking over what it owns. */
static int append(reader *r, json_value *container, json_value *item)
{
    if (container->count == container->capacity) {
        size_t cap = container->capacity ? container->capacity * 2 : 4;
        json_value *items = realloc(container->items, cap * sizeof *items);
        if (items == NULL)
            return fail(r, "out of memory");
        container->items = items;
        container->capacity = cap;
    }
    container->items[container->count++] = *item;
    return 1;
}

/* An object or an array; r->pos is on its '{' or '['. */
static int parse_container(reader *r, json_value *out, json_type type)
{
    const int close = (type == JSON_OBJECT) ? '}' : ']';

    out->type = type;
    if (++r->depth > JSON_MAX_DEPTH)
        return fail(r, "nesting too deep");
    r->pos++;
    skip_space(r);
    if (peek(r) == close) {
        r->pos++;
        r->depth--;
        return 1;
    }
    for (;;) {
        json_value item;
        int c;

        memset(&item, 0, sizeof item);
        if (type == JSON_OBJECT) {
            skip_space(r);
            if (peek(r) != '"')
                return fail(r, "expected a member name in quotes");
            if (!parse_string(r, &item.key))
                return 0;
            skip_space(r);
            if (peek(r) != ':') {
                free(item.key);
                return fail(r, "expected ':' after a member name");
            }
            r->pos++;
        }
        if (!parse_value(r, &item) || !append(r, out, &item)) {
            clear_value(&item);
            return 0;
        }
        skip_space(r);
        c = peek(r);
        if (c == ',') {
            r->pos++;
            continue;
        }
        if (c == close) {
            r->pos++;
            r->depth--;
            return 1;
        }
        return fail(r, type == JSON_OBJECT ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int parse_value(reader *r, json_value *out)
{
    int c;

    skip_space(r);
    c = peek(r);
    switch (c) {
    case '{': return parse_container(r, out, JSON_OBJECT);
    case '[': return parse_container(r, out, JSON_ARRAY);
    case '"': out->type = JSON_STRING; return parse_string(r, &out->text);
    case 't': return parse_literal(r, "true", JSON_TRUE, out);
    case 'f': return parse_literal(r, "false", JSON_FALSE, out);
    case 'n': return parse_literal(r, "null", JSON_NULL, out);
    case -1:  return fail(r, "unexpected end of input");
    default:
        if (c == '-' || is_digit(c))
            return parse_number(r, out);
        return fail(r, "unexpected character");
    }
}

json_value *json_parse(const char *data, size_t len, json_error *error)
{
    reader r;
    json_value *root;

    if (data == NULL) {                 /* no bytes at all: reported as "unexpected end" */
        data = "";
        len = 0;
    }
    r.start = r.pos = (const unsigned char *)data;
    r.end = r.start + len;
    r.error = NULL;
    r.depth = 0;

    root = calloc(1, sizeof *root);
    if (root == NULL)
        fail(&r, "out of memory");
    else if (parse_value(&r, root)) {
        skip_space(&r);
        if (r.pos != r.end)
            fail(&r, "unexpected text after the document");
    }
    if (r.error != NULL) {
        if (error != NULL) {
            error->message = r.error;
            error->offset = (size_t)(r.pos - r.start);
        }
        json_free(root);
        return NULL;
    }
    return root;
}

void json_free(json_value *value)
{
    if (value == NULL)
        return;
    clear_value(value);
    free(value);
}

const json_value *json_member(const json_value *object, const char *key)
{
    if (object == NULL || object->type != JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < object->count; i++)
        if (strcmp(object->items[i].key, key) == 0)
            return &object->items[i];
    return NULL;
}

const char *json_type_name(json_type type)
{
    switch (type) {
    case JSON_NULL:   return "null";
    case JSON_FALSE:
    case JSON_TRUE:   return "boolean";
    case JSON_NUMBER: return "number";
    case JSON_STRING: return "string";
    case JSON_ARRAY:  return "array";
    case JSON_OBJECT: return "object";
    }
    return "unknown";
}

/* ======================================================================================
 * Writer
 * ==================================================================================== */

static void put(json_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (n >= SIZE_MAX / 2 - b->len) {
        b->failed = 1;
        return;
    }
    if (b->len + n + 1 > b->cap) {      /* +1: keep a NUL after the text */
        size_t cap = b->cap ? b->cap : 256;
        char *data;
        while (cap < b->len + n + 1)
            cap *= 2;
        data = realloc(b->data, cap);
        if (data == NULL) {
            b->failed = 1;
            return;
        }
        b->data = data;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* A value or a key that follows a sibling needs a comma first. */
static void separate(json_buf *b)
{
    if (b->need_comma)
        put(b, ",", 1);
}

/* Writes `s` as a JSON string. Input is UTF-8 (the reader checked it, or it is our own
   text), so only '"', '\\' and control characters need escapes. */
static void put_escaped(json_buf *b, const char *s)
{
    const char *run = s;                /* bytes copied as they are, in runs */

    put(b, "\"", 1);
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        char hex[8];
        const char *escape;

        switch (c) {
        case '"':  escape = "\\\""; break;
        case '\\': escape = "\\\\"; break;
        case '\b': escape = "\\b";  break;
        case '\f': escape = "\\f";  break;
        case '\n': escape = "\\n";  break;
        case '\r': escape = "\\r";  break;
        case '\t': escape = "\\t";  break;
        default:
            if (c >= 0x20)
                continue;
            snprintf(hex, sizeof hex, "\\u%04x", c);
            escape = hex;
        }
        put(b, run, (size_t)(s - run));
        put(b, escape, strlen(escape));
        run = s + 1;
    }
    put(b, run, (size_t)(s - run));
    put(b, "\"", 1);
}

void json_begin_object(json_buf *b)
{
    separate(b);
    put(b, "{", 1);
    b->need_comma = 0;
}

void json_end_object(json_buf *b)
{
    put(b, "}", 1);
    b->need_comma = 1;
}

void json_begin_array(json_buf *b)
{
    separate(b);
    put(b, "[", 1);
    b->need_comma = 0;
}

void json_end_array(json_buf *b)
{
    put(b, "]", 1);
    b->need_comma = 1;
}

void json_key(json_buf *b, const char *key)
{
    separate(b);
    put_escaped(b, key);
    put(b, ":", 1);
    b->need_comma = 0;                  /* the value comes right after the colon */
}

void json_string(json_buf *b, const char *value)
{
    separate(b);
    put_escaped(b, value);
    b->need_comma = 1;
}

void json_member_string(json_buf *b, const char *key, const char *value)
{
    json_key(b, key);
    json_string(b, value);
}

char *json_finish(json_buf *b, size_t *len)
{
    char *data = b->data;

    if (b->failed || data == NULL) {
        json_discard(b);
        return NULL;
    }
    *len = b->len;
    memset(b, 0, sizeof *b);
    return data;
}

void json_discard(json_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}
