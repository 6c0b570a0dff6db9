/* Names in the server's tables: keyed hashing, equality and order. */
#include "chat_server/names.h"

#include <string.h>

#include "core/siphash.h"

size_t chatsrv_names_buckets(size_t max)
{
	size_t nb = 16;

	while (nb < 2 * max)
		nb *= 2;
	return nb;
}

size_t chatsrv_names_slot(const uint8_t key[16], size_t mask, const char *name, size_t len)
{
	return (size_t)siphash_24(key, name, len) & mask;
}

bool chatsrv_names_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

int chatsrv_name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}
