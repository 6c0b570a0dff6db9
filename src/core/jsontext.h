/* Bytes that may not be UTF-8 as a JSON string, the same way in every
 * tool (docs/ARCHITECTURE.md, "JSON output"): textesc_utf8's reversible
 * form — well-formed UTF-8 as it is, a backslash doubled, each byte of
 * malformed UTF-8 as \xhh — handed to jansson, which takes UTF-8 only. */
#ifndef SOCKLAB_CORE_JSONTEXT_H
#define SOCKLAB_CORE_JSONTEXT_H

#include <jansson.h>
#include <stddef.h>

/* A new JSON string of p[0..n); NULL when memory runs out. */
json_t *jsontext_bytes(const void *p, size_t n);

/* jsontext_bytes of a NUL-terminated string; JSON null for NULL. */
json_t *jsontext_str(const char *s);

/* obj[key] = jsontext_bytes(p, n); returns 0, or -1 when memory runs out. */
int jsontext_set(json_t *obj, const char *key, const void *p, size_t n);

#endif
