/*
 * json_mini.h — a small JSON reader and writer, just enough for a Spider driver.
 *
 * Reader: json_parse() turns (pointer, length) into a tree of json_value. It never reads past
 * `len`, needs no NUL terminator, and rejects anything RFC 8259 does not allow: bad syntax,
 * trailing commas, invalid UTF-8, lone surrogates, raw control characters in strings, text
 * after the document. It also refuses "\u0000" (strings come back as C strings) and nesting
 * deeper than JSON_MAX_DEPTH. Free the tree with json_free().
 *
 * Writer: json_buf builds a document in a growing heap buffer. It puts the commas in by itself
 * and escapes every string; after an allocation failure it stops writing and json_finish()
 * reports the failure, so callers check once at the end instead of after every call.
 *
 * Not thread-safe per object (nothing is shared between objects, so use one per thread).
 */
#ifndef JSON_MINI_H
#define JSON_MINI_H

#include <stddef.h>

#define JSON_MAX_DEPTH 64

typedef enum {
    JSON_NULL,
    JSON_FALSE,
    JSON_TRUE,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT
} json_type;

typedef struct json_value json_value;
struct json_value {
    json_type type;
    char *key;          /* the member's name when this value sits in an object, else NULL */
    char *text;         /* JSON_STRING: the decoded UTF-8 text, NUL-terminated;
                           JSON_NUMBER: the literal as written (convert it as you need) */
    json_value *items;  /* JSON_ARRAY, JSON_OBJECT: the elements / members, in order */
    size_t count;       /* how many items */
    size_t capacity;    /* (internal) allocated items */
};

/* Where and why parsing stopped. `message` is a static string. */
typedef struct {
    const char *message;
    size_t offset;      /* byte offset into the input */
} json_error;

/* Parses `len` bytes at `data`. Returns the root value, or NULL with `*error` filled in
   (`error` may be NULL). */
json_value *json_parse(const char *data, size_t len, json_error *error);

/* Frees a tree returned by json_parse (NULL is fine). */
void json_free(json_value *value);

/* The member named `key` of an object (the first one, if the name repeats), or NULL when
   `object` is NULL, is not an object, or has no such member. */
const json_value *json_member(const json_value *object, const char *key);

/* A short name for a type ("string", "object", ...), for error messages. */
const char *json_type_name(json_type type);

/* ---- writer ---- */

typedef struct {
    char *data;         /* always NUL-terminated once something was written */
    size_t len;
    size_t cap;
    int failed;         /* an allocation failed; everything after it was dropped */
    int need_comma;     /* (internal) the next value or key follows a sibling */
} json_buf;

#define JSON_BUF_INIT { NULL, 0, 0, 0, 0 }

void json_begin_object(json_buf *b);
void json_end_object(json_buf *b);
void json_begin_array(json_buf *b);
void json_end_array(json_buf *b);
void json_key(json_buf *b, const char *key);                       /* "key": */
void json_string(json_buf *b, const char *value);                  /* "value", escaped */
void json_member_string(json_buf *b, const char *key, const char *value);

/* Hands over the buffer (the caller frees it) and its length, excluding the NUL after it.
   Returns NULL, and frees what was built, if an allocation failed. Resets `b`. */
char *json_finish(json_buf *b, size_t *len);

/* Frees what was built, for an error path. Resets `b`. */
void json_discard(json_buf *b);

#endif /* JSON_MINI_H */
