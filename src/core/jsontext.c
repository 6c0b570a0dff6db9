/* Untrusted bytes into JSON strings (jansson), in the one escaped form. */
#include "core/jsontext.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/textesc.h"

/* Short texts (a chat line, a banner) escape on the stack. */
#define JSONTEXT_STACK 1024

json_t *jsontext_bytes(const void *p, size_t n)
{
	char stack[TEXTESC_MAX(JSONTEXT_STACK)];
	char *out = stack;
	json_t *j;

	if (n > JSONTEXT_STACK) {
		if (n > (SIZE_MAX - 1) / 4)
			return NULL;
		out = malloc(TEXTESC_MAX(n));
		if (!out)
			return NULL;
	}
	j = json_stringn(out, textesc_utf8(p, n, out));
	if (out != stack)
		free(out);
	return j;
}

json_t *jsontext_str(const char *s)
{
	return s ? jsontext_bytes(s, strlen(s)) : json_null();
}

int jsontext_set(json_t *obj, const char *key, const void *p, size_t n)
{
	json_t *j = jsontext_bytes(p, n);

	return j ? json_object_set_new(obj, key, j) : -1;
}
